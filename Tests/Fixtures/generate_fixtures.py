#!/usr/bin/env python3
"""Generate the reference fixtures used by the MarketCalendar tests.

Re-run from the repository root with::

    pip install exchange_calendars==4.13.2
    python3 Tests/Fixtures/generate_fixtures.py

(Python >= 3.9 for ``zoneinfo``.)  All files are written next to this script
(paths are resolved relative to ``__file__``), with LF line endings and in a
deterministic order, so re-running with the same library / tzdata versions
reproduces them byte for byte.

Files written
-------------
xnys-sessions.csv
    Every XNYS session 1990-01-01 .. 2099-12-31 according to
    ``exchange_calendars`` (``xcals.get_calendar("XNYS", start, end)``)::

        date,open,close,early_close
        1990-01-02,09:30,16:00,0

    ``open``/``close`` are the UTC session bounds converted to
    America/New_York wall time (HH:MM); ``early_close`` is 1 when the close
    is earlier than 16:00.  XNYS has no ``bound_min``/``bound_max``, so a
    single calendar object covers the whole range.

xnys-sessions-1900-1989.csv
    Same format for 1900-01-01 .. 1989-12-31.  CAVEAT: exchange_calendars
    evaluates the *rule-based* holidays through
    ``pandas.tseries.offsets.CustomBusinessDay(calendar=HolidayCalendar)``,
    which calls ``AbstractHolidayCalendar.holidays()`` with no arguments and
    therefore only within pandas' default window
    ``AbstractHolidayCalendar.start_date`` (1970-01-01) ..
    ``end_date`` (2200-12-31).  Unpatched, XNYS treats e.g. every Christmas
    and New Year's Day before 1970 as a session (only the ad hoc closures
    are applied).  For this file the script temporarily sets
    ``AbstractHolidayCalendar.start_date`` to 1800-01-01 so that XNYS's own
    pre-1970 holiday rules (us_holidays.py) are actually applied; it asserts
    that this patch changes nothing from 1970 on.  Even so, this file only
    reflects XNYS's model, not NYSE history: XNYS uses 09:30-16:00 for all
    years (the NYSE opened at 10:00 before 1985-09-30 and closed before
    16:00 until 1974), does not model Saturday sessions (until 1952), and
    omits many historical closures / shortened days.

ny-transitions.csv
    Every UTC-offset transition of America/New_York whose instant lies in
    1970-01-01T00:00Z .. 2100-12-31T23:59:59Z according to Python's
    ``zoneinfo`` (default lookup: the system tz database in
    ``zoneinfo.TZPATH`` first, then the ``tzdata`` package)::

        utc,offset_before,offset_after
        1970-04-26T07:00:00Z,-18000,-14400

    Found by an hourly scan plus bisection to the second, then checked
    (alternating offsets, two per year, 1974/1975 energy-crisis dates) and
    cross-checked against the ``tzdata`` pip package when it is installed.

ny-local-conversions.csv
    For the local date of every transition above, the wall times 00:30,
    01:00, 01:30, 01:59, 02:00, 02:30, 02:59, 03:00 and 03:30 mapped to UTC
    with RFC 5545 semantics (nonexistent time: use the offset in effect
    before the gap; ambiguous time: first occurrence).  Python's
    ``fold=0`` has exactly these semantics; this is asserted on
    2026-03-08 02:30 -> 07:30Z and 2026-11-01 01:30 -> 05:30Z::

        local,utc
        1970-04-26T00:30,1970-04-26T05:30:00Z

Check (no file written)
-----------------------
``check_special_days()`` reads
``Sources/MarketCalendar/Resources/nyse-special-days.csv`` (hand-curated:
dates from exchange_calendars' us_holidays.py ad hoc lists and XNYS
``special_closes_adhoc``, names researched by hand) and asserts that every
``closed`` date is a weekday that is not an XNYS session, every
``early_close`` date is an XNYS session closing at the given local time, and
that the file lists exactly XNYS's ad hoc closures and ad hoc early closes.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import sys
from zoneinfo import ZoneInfo

import exchange_calendars as xcals
import pandas as pd
from pandas.tseries.holiday import AbstractHolidayCalendar

EXPECTED_XCALS_VERSION = "4.13.2"

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SPECIAL_DAYS_CSV = os.path.join(
    REPO_ROOT, "Sources", "MarketCalendar", "Resources", "nyse-special-days.csv"
)

NY_NAME = "America/New_York"
NY = ZoneInfo(NY_NAME)
UTC = dt.timezone.utc

LOCAL_TIMES = ["00:30", "01:00", "01:30", "01:59", "02:00",
               "02:30", "02:59", "03:00", "03:30"]


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def write_lines(name: str, header: str, rows: list[str]) -> None:
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(header + "\n")
        for r in rows:
            f.write(r + "\n")
    print(f"wrote {os.path.relpath(path, REPO_ROOT)}: {len(rows)} rows, "
          f"{os.path.getsize(path)} bytes")


@contextlib.contextmanager
def holiday_window_from(start: str):
    """Temporarily widen pandas' default holiday evaluation window.

    See the module docstring: without this, rule-based holidays are not
    evaluated before 1970-01-01 by CustomBusinessDay.
    """
    saved = AbstractHolidayCalendar.start_date
    AbstractHolidayCalendar.start_date = pd.Timestamp(start)
    try:
        yield
    finally:
        AbstractHolidayCalendar.start_date = saved


def session_rows(cal, first: str, last: str) -> list[str]:
    sched = cal.schedule.loc[first:last]
    opens = sched["open"].dt.tz_convert(NY_NAME)
    closes = sched["close"].dt.tz_convert(NY_NAME)
    rows = []
    for label, o, c in zip(sched.index, opens, closes):
        assert o.date() == label.date() and c.date() == label.date(), label
        early = 1 if (c.hour, c.minute) < (16, 0) else 0
        rows.append(f"{label:%Y-%m-%d},{o:%H:%M},{c:%H:%M},{early}")
    return rows


def xnys(start: str, end: str):
    return xcals.get_calendar("XNYS", start=start, end=end)


def xnys_fresh(start: str, end: str):
    """New XNYS instance, bypassing get_calendar's factory-output cache."""
    return type(xcals.get_calendar("XNYS"))(start=start, end=end)


# --------------------------------------------------------------------------
# sessions
# --------------------------------------------------------------------------

def generate_sessions() -> None:
    cls = type(xcals.get_calendar("XNYS"))
    assert cls.bound_min() is None and cls.bound_max() is None, (
        "XNYS now declares bounds; revisit this script")

    cal = xnys("1990-01-01", "2099-12-31")
    rows = session_rows(cal, "1990-01-01", "2099-12-31")
    assert rows[0].startswith("1990-01-02,") and rows[-1].startswith("2099-12-31,")

    # The pre-1970 holiday-window patch must not change anything from 1970 on.
    with holiday_window_from("1800-01-01"):
        patched = xnys_fresh("1990-01-01", "2099-12-31")
        assert session_rows(patched, "1990-01-01", "2099-12-31") == rows
    write_lines("xnys-sessions.csv", "date,open,close,early_close", rows)

    unpatched_old = session_rows(xnys("1900-01-01", "1989-12-31"),
                                 "1900-01-01", "1989-12-31")
    with holiday_window_from("1800-01-01"):
        old = session_rows(xnys_fresh("1900-01-01", "1989-12-31"),
                           "1900-01-01", "1989-12-31")
    assert ([r for r in old if r >= "1970"]
            == [r for r in unpatched_old if r >= "1970"])
    dropped = sorted(set(r[:10] for r in unpatched_old) - set(r[:10] for r in old))
    added = sorted(set(r[:10] for r in old) - set(r[:10] for r in unpatched_old))
    assert not added and all(d < "1970" for d in dropped)
    print(f"  1900-1989: holiday-window patch removes {len(dropped)} pre-1970 "
          f"dates that unpatched XNYS reports as sessions")
    write_lines("xnys-sessions-1900-1989.csv", "date,open,close,early_close", old)


# --------------------------------------------------------------------------
# time zone transitions
# --------------------------------------------------------------------------

def offset_at(tz, t: int) -> int:
    return int(dt.datetime.fromtimestamp(t, tz).utcoffset().total_seconds())


def find_transitions(tz, start: int, end: int, step: int = 3600):
    """[(utc_seconds, offset_before, offset_after)] for start <= t < end."""
    out = []
    prev_t, prev_off = start, offset_at(tz, start)
    t = start + step
    while t <= end:
        off = offset_at(tz, t)
        if off != prev_off:
            lo, hi = prev_t, t  # offset(lo) == prev_off, offset(hi) != prev_off
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if offset_at(tz, mid) == prev_off:
                    lo = mid
                else:
                    hi = mid
            assert offset_at(tz, hi) == off, "two transitions inside one step"
            if start <= hi < end:
                out.append((hi, prev_off, off))
        prev_t, prev_off = t, off
        t += step
    return out


def tz_source_description() -> str:
    for base in __import__("zoneinfo").TZPATH:
        path = os.path.join(base, *NY_NAME.split("/"))
        if os.path.isfile(path):
            version = "unknown version"
            zi = os.path.join(base, "tzdata.zi")
            if os.path.isfile(zi):
                with open(zi, encoding="utf-8") as f:
                    first = f.readline().strip()
                if first.startswith("# version "):
                    version = first[len("# version "):]
            return f"system tz database {path} (tzdata {version})"
    import tzdata  # noqa: F401  # zoneinfo falls back to the pip package
    return f"tzdata pip package (IANA {tzdata.IANA_VERSION})"


def generate_transitions() -> None:
    start = int(dt.datetime(1970, 1, 1, tzinfo=UTC).timestamp())
    end = int(dt.datetime(2101, 1, 1, tzinfo=UTC).timestamp())
    trans = find_transitions(NY, start - 86400, end + 86400)
    trans = [x for x in trans if start <= x[0] < end]

    # Sanity checks: nothing missed, nothing spurious.
    offs = [-18000, -14400]
    for i, (t, before, after) in enumerate(trans):
        assert {before, after} == set(offs), (t, before, after)
        if i:
            assert before == trans[i - 1][2]
    per_year: dict[int, int] = {}
    for t, _, _ in trans:
        y = dt.datetime.fromtimestamp(t, UTC).year
        per_year[y] = per_year.get(y, 0) + 1
    assert all(per_year.get(y) == 2 for y in range(1970, 2101)), per_year
    iso = [dt.datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
           for t, _, _ in trans]
    for expected in ["1970-04-26T07:00:00Z", "1974-01-06T07:00:00Z",
                     "1974-10-27T06:00:00Z", "1975-02-23T07:00:00Z",
                     "1975-10-26T06:00:00Z", "2007-03-11T07:00:00Z",
                     "2100-11-07T06:00:00Z"]:
        assert expected in iso, expected

    # Cross-check with the tzdata pip package, if present.
    try:
        import importlib.resources as res
        import tzdata  # noqa: F401
        ref = res.files("tzdata.zoneinfo").joinpath("America", "New_York")
        with ref.open("rb") as f:
            pip_ny = ZoneInfo.from_file(f, key=NY_NAME)
        pip_trans = [x for x in find_transitions(pip_ny, start - 86400, end + 86400)
                     if start <= x[0] < end]
        assert pip_trans == trans, "system tzdata and tzdata pip package disagree"
        print(f"  cross-checked against tzdata pip package {tzdata.IANA_VERSION}")
    except ImportError:
        print("  tzdata pip package not installed; no cross-check")

    print(f"  America/New_York source: {tz_source_description()}")
    write_lines("ny-transitions.csv", "utc,offset_before,offset_after",
                [f"{s},{b},{a}" for s, (_, b, a) in zip(iso, trans)])

    # RFC 5545 local -> UTC readings around each transition (fold=0).
    def rfc5545_utc(local: dt.datetime) -> dt.datetime:
        return local.replace(tzinfo=NY, fold=0).astimezone(UTC)

    assert rfc5545_utc(dt.datetime(2026, 3, 8, 2, 30)) == dt.datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert rfc5545_utc(dt.datetime(2026, 11, 1, 1, 30)) == dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC)

    rows = []
    for t, before, after in trans:
        local_date = dt.datetime.fromtimestamp(t + before, UTC).date()
        for hm in LOCAL_TIMES:
            h, m = map(int, hm.split(":"))
            local = dt.datetime(local_date.year, local_date.month, local_date.day, h, m)
            u = rfc5545_utc(local)
            # Independent check of the RFC 5545 rule: wall times before the
            # later of the two wall-clock readings of the transition instant
            # (i.e. in the gap, or the first pass through the repeated hour)
            # use the pre-transition offset, all others the new one.
            wall = int((local - dt.datetime(1970, 1, 1)).total_seconds())
            off = before if wall < t + max(before, after) else after
            assert int(u.timestamp()) == wall - off, (local, u)
            rows.append(f"{local:%Y-%m-%dT%H:%M},{u:%Y-%m-%dT%H:%M:%SZ}")
    write_lines("ny-local-conversions.csv", "local,utc", rows)


# --------------------------------------------------------------------------
# nyse-special-days.csv consistency check
# --------------------------------------------------------------------------

def check_special_days(path: str = SPECIAL_DAYS_CSV) -> None:
    with open(path, encoding="utf-8", newline="") as f:
        lines = [ln for ln in f.read().split("\n") if ln and not ln.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines) + "\n")))
    assert lines[0] == "date,kind,close,name", lines[0]
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates) and len(set(dates)) == len(dates), "unsorted/dup"

    cal = xnys("1920-01-01", "2099-12-31")
    closes_ny = cal.schedule["close"].dt.tz_convert(NY_NAME)
    for r in rows:
        assert set(r) == {"date", "kind", "close", "name"} and None not in r.values(), r
        d = pd.Timestamp(r["date"])
        assert r["name"].strip() and "," not in r["name"], r
        if r["kind"] == "closed":
            assert r["close"] == "", r
            assert d.weekday() < 5, f"{r['date']} is a weekend day"
            assert not cal.is_session(d), f"{r['date']} is an XNYS session"
        elif r["kind"] == "early_close":
            assert cal.is_session(d), f"{r['date']} is not an XNYS session"
            got = closes_ny.loc[d].strftime("%H:%M")
            assert got == r["close"], f"{r['date']}: XNYS closes at {got}"
            assert r["close"] < "16:00", r
        else:
            raise AssertionError(f"bad kind {r['kind']!r}")

    # Completeness: exactly XNYS's ad hoc closures and ad hoc early closes.
    xnys_closed = {f"{d:%Y-%m-%d}" for d in cal.adhoc_holidays}
    xnys_early = {f"{d:%Y-%m-%d}" for _, dti in cal.special_closes_adhoc for d in dti}
    csv_closed = {r["date"] for r in rows if r["kind"] == "closed"}
    csv_early = {r["date"] for r in rows if r["kind"] == "early_close"}
    assert csv_closed == xnys_closed, (csv_closed ^ xnys_closed)
    assert csv_early == xnys_early, (csv_early ^ xnys_early)
    print(f"checked {os.path.relpath(path, REPO_ROOT)}: {len(csv_closed)} closed, "
          f"{len(csv_early)} early closes, consistent with XNYS")


def main() -> int:
    if xcals.__version__ != EXPECTED_XCALS_VERSION:
        print(f"warning: exchange_calendars {xcals.__version__} != "
              f"{EXPECTED_XCALS_VERSION}; output may differ", file=sys.stderr)
    generate_sessions()
    generate_transitions()
    check_special_days()
    return 0


if __name__ == "__main__":
    sys.exit(main())
