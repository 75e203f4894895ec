"""The peer of `v6ctl calendar sessions --format csv`: the same csv from the reference
library, exchange_calendars (XNYS), written to stdout.

    python3 xcals_sessions.py 1990-01-01 2099-12-31 > sessions.csv

Columns as v6ctl writes them: date,open,close,early_close (HH:MM America/New_York; 0 or 1).
The whole process is what the benchmark times: interpreter start, imports, the calendar's
construction for the range, the conversion to Eastern time and the csv.
"""
import sys

import exchange_calendars as xcals


def main() -> None:
    start, end = sys.argv[1], sys.argv[2]
    cal = xcals.get_calendar("XNYS", start=start, end=end)
    schedule = cal.schedule
    opens = schedule["open"].dt.tz_convert("America/New_York").dt.strftime("%H:%M")
    closes = schedule["close"].dt.tz_convert("America/New_York").dt.strftime("%H:%M")
    early = schedule.index.isin(cal.early_closes)
    dates = schedule.index.strftime("%Y-%m-%d")
    out = ["date,open,close,early_close\n"]
    out.extend(f"{d},{o},{c},{1 if e else 0}\n" for d, o, c, e in zip(dates, opens, closes, early))
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
