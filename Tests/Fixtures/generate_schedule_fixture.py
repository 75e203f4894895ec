#!/usr/bin/env python3
"""An independent oracle for SchedulerCoreTests: the fire times of a five-task configuration
from 2026-10-28 to 2026-11-27 (the fall-back Sunday, Thanksgiving and its early close),
computed from the documented rules (docs/configuration.md) with Python's zoneinfo and the
XNYS sessions fixture (exchange_calendars), without any of the Swift code.

Re-run from the repository root (standard library only; the system tz database)::

    python3 Tests/Fixtures/generate_schedule_fixture.py

Writes ``schedule-2026-10-28_2026-11-27.csv`` next to this script: ``at,task``, one line per
fire instant (ISO 8601 in New York time with its offset), sorted by instant then task.

The tasks (SchedulerCoreTests.weekConfig):

- ``open_snap``: every 5 minutes while the market is open (session open <= t < close), trading days;
- ``close_job``: 15 minutes after the session's close, trading days;
- ``health``: every 15 minutes of elapsed time from New York midnight to the next, every day;
- ``night``: 01:30 and 02:30 New York wall time, every day (RFC 5545: a wall time in the
  spring-forward gap moves forward by the gap, a repeated one means its first occurrence; two
  names for one instant fire once);
- ``saturday``: 11:00 on Saturdays.
"""
import csv
import os
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
NY = ZoneInfo("America/New_York")
FIRST, LAST = date(2026, 10, 28), date(2026, 11, 27)


def sessions():
    """date -> (open, close) as aware datetimes, from the XNYS fixture."""
    result = {}
    with open(os.path.join(HERE, "xnys-sessions.csv")) as f:
        for row in csv.DictReader(f):
            day = date.fromisoformat(row["date"])
            if FIRST - timedelta(days=1) <= day <= LAST + timedelta(days=1):
                result[day] = tuple(wall(day, time.fromisoformat(row[k])) for k in ("open", "close"))
    return result


def wall(day, t):
    """RFC 5545: fold=0 is the first of a repeated time; for a time in the gap, zoneinfo's fold=0
    uses the offset before the gap, which moves it forward by the gap."""
    local = datetime.combine(day, t, tzinfo=NY).replace(fold=0)
    return local.astimezone(timezone.utc)


def iso(instant):
    return instant.astimezone(NY).isoformat()


def every(start, end, step):
    t = start
    while t < end:
        yield t
        t += step


def main():
    session = sessions()
    fires = set()
    day = FIRST
    while day <= LAST:
        if day in session:
            open_, close = session[day]
            fires |= {(t, "open_snap") for t in every(open_, close, timedelta(minutes=5))}
            fires.add((close + timedelta(minutes=15), "close_job"))
        midnight = wall(day, time(0, 0))
        next_midnight = wall(day + timedelta(days=1), time(0, 0))
        fires |= {(t, "health") for t in every(midnight, next_midnight, timedelta(minutes=15))}
        fires |= {(wall(day, time(h, 30)), "night") for h in (1, 2)}
        if day.weekday() == 5:
            fires.add((wall(day, time(11, 0)), "saturday"))
        day += timedelta(days=1)
    out = os.path.join(HERE, f"schedule-{FIRST}_{LAST}.csv")
    with open(out, "w", newline="\n") as f:
        f.write("at,task\n")
        for instant, task in sorted(fires):
            f.write(f"{iso(instant)},{task}\n")
    print(f"wrote {out}: {len(fires)} fire times")


if __name__ == "__main__":
    main()
