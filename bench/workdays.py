"""Benchmark: statutory deadline arithmetic.

Prints the time per `add_workdays(start, 20)` (the Art. 33 reply deadline) over every start date
2004-2026, against chinesecalendar's `find_workday` as the reference, and the ratio. Pure code: no
database. Run with `make bench` or `.venv/bin/python bench/workdays.py`.
"""

from __future__ import annotations

import datetime as dt
import time

import chinese_calendar

from gongkai.rules.calendar_seed import package_calendar
from gongkai.rules.workdays import add_workdays


def starts() -> list[dt.date]:
    day, last, out = dt.date(2004, 1, 1), dt.date(2026, 10, 15), []
    while day <= last:
        out.append(day)
        day += dt.timedelta(days=1)
    return out


def best_of(repeats: int, func) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    t0 = time.perf_counter()
    cal = package_calendar()
    build = time.perf_counter() - t0
    days = starts()
    ours = best_of(3, lambda: [add_workdays(d, 20, cal) for d in days])
    ref = best_of(3, lambda: [chinese_calendar.find_workday(19, d + dt.timedelta(days=1)) for d in days])
    n = len(days)
    print(f"calendar build from package data: {build * 1000:.1f} ms ({len(cal.years)} years)")
    print(f"add_workdays(d, 20): {n} start dates in {ours * 1000:.1f} ms = {ours / n * 1e6:.2f} us/call")
    print(f"chinesecalendar.find_workday reference: {ref * 1000:.1f} ms = {ref / n * 1e6:.2f} us/call")
    print(f"ratio reference/ours: {ref / ours:.2f}x")


if __name__ == "__main__":
    main()
