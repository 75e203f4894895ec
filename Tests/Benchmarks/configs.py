"""The YAML configurations the benchmarks run the daemon on, each written into its own folder
(state, socket and logs stay inside it).
"""
import datetime
import json
import os
import re
import zoneinfo

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def quiet_weekday():
    """A weekday that is neither today nor tomorrow in New York: tasks on it are not due while we measure."""
    today = datetime.datetime.now(zoneinfo.ZoneInfo("America/New_York")).date()
    return WEEKDAYS[(today + datetime.timedelta(days=3)).weekday()]


def header(folder, max_concurrent=16, log=False):
    lines = [
        "scheduler:",
        '  timezone: "America/New_York"',
        f'  working_directory: "{folder}"',
        f'  state_directory: "{folder}/state"',
        f'  control_socket: "{folder}/control.sock"',
        f"  max_concurrent_tasks: {max_concurrent}",
        f"  enable_logging: {'true' if log else 'false'}",
        "  tasks:",
    ]
    return "\n".join(lines) + "\n"


def write(folder, text):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "config.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def production(folder, source):
    """config/production.yaml with its paths moved into `folder` (tasks and schedule unchanged)."""
    text = open(source).read()
    for key, value in [("log_directory", f"{folder}/logs"), ("working_directory", folder),
                       ("state_directory", f"{folder}/state"), ("control_socket", f"{folder}/control.sock")]:
        text, count = re.subn(rf'^(\s*{key}:\s*)"[^"]*"', rf'\g<1>"{value}"', text, flags=re.M)
        assert count == 1, f"{source}: expected one {key}: line"
    return write(folder, text)


def every_second(folder, stamp_file, command=None):
    """One task every second, around the clock; it writes its own start time and its scheduled time
    (by default through /bin/sh and date; `command`, an argv, instead)."""
    argv = json.dumps(command) if command else f'["/bin/sh", "-c", "date \\"+%s.%N $V6_SCHEDULED_AT\\" >> {stamp_file}"]'
    return write(folder, header(folder) + f"""    tick:
      command: {argv}
      frequency: "1s"
      market_phase: any
      days: every_day
      timeout_seconds: 1
      overlap: skip
""")


def burst(folder, count=200, period="5s", command=("/bin/true",)):
    """`count` tasks due at the same instants, every `period`, running `command` (an argv)."""
    text = header(folder, max_concurrent=256)
    for i in range(count):
        text += f"""    burst_{i:03d}:
      command: {json.dumps(list(command))}
      frequency: "{period}"
      market_phase: any
      days: every_day
      timeout_seconds: 5
      overlap: skip
"""
    return write(folder, text)


def many(folder, count=10_000):
    """`count` tasks, none due during the benchmark (all on a quiet weekday): 80 % `at` times spread
    over the day, 10 % cron, 10 % every 15 min while the market is open."""
    day = quiet_weekday()
    text = header(folder)
    for i in range(count):
        minute = (i * 1440 // count) % 1440
        hh, mm = divmod(minute, 60)
        if i % 10 == 8:
            schedule = f'cron: "{mm} {hh} * * *"'
        elif i % 10 == 9:
            schedule = 'frequency: "15min"\n      market_phase: market_open'
        else:
            schedule = f'at: "{hh:02d}:{mm:02d}"'
        text += f"""    task_{i:05d}:
      command: ["/bin/true"]
      {schedule}
      days: [{day}]
      timeout_seconds: 60
"""
    return write(folder, text)


def idle(folder):
    """A single task far in the future: the daemon has nothing to do while we count its wake-ups."""
    return write(folder, header(folder) + f"""    nightly:
      command: ["/bin/true"]
      at: "03:00"
      days: [{quiet_weekday()}]
""")


def every_minute(folder, stamp_file):
    """The side-by-side job: every minute, the same shell line as the crontab's. force_run: a cron
    task skips NYSE holidays even with `days: every_day`, and a crontab line runs every day."""
    return write(folder, header(folder) + f"""    minute:
      command: ["/bin/sh", "-c", "date +%s.%N >> {stamp_file}"]
      cron: "* * * * *"
      days: every_day
      force_run: true
      timeout_seconds: 30
""")
