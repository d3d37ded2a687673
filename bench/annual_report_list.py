"""Benchmark: the office's annual-report list (政府信息公开年报) for the demo county, which compares
every published report with the tables computed from the data now (issue 15, "发布后数据有变化").

Builds a scratch database, migrates it and loads the demo county (青山县: 31 reporting bodies,
their 2025 reports published; with ``--records`` also the ~300 demo records and the demo cases,
which take a few minutes), then enters one more decided case at every third published body so that
their published tables no longer match the data. It times, over ``--runs`` passes (median and
worst, wall clock), the list page as the office admin sees it (HTTP GET through Django's test
client), and counts its SQL statements; as a reference it times the per-body way (the one-body
selectors table2/3/4 for each body) against the bulk ``selectors.tables_by_body`` the list uses.

    .venv/bin/python bench/annual_report_list.py                 # SQLite and PostgreSQL
    .venv/bin/python bench/annual_report_list.py --db sqlite --records
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time

from scratch import scratch_database, timed  # bench/scratch.py (this directory is on sys.path)

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"
YEAR = 2025


def _bench(label: str, runs: int, records: bool) -> int:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import reverse

    from gongkai.core.models import Body
    from gongkai.demo.loader import load_demo
    from gongkai.reports import selectors
    from gongkai.requests.models import Case

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_demo(records=records)
    if not records:
        from gongkai.reports.demo import ensure_demo_reports
        from gongkai.requests.demo import ensure_demo_cases

        ensure_demo_cases()
        ensure_demo_reports()
    load_s = time.perf_counter() - t
    county = Body.objects.get(kind="county", name="青山县人民政府")
    rows = selectors.overview(county, YEAR)
    published = [r for r in rows if r.state == "published"]
    for n, row in enumerate(published[::3]):
        Case.objects.create(body=row.body, query_code=f"B{n:010d}", applicant_type="natural_person",
                            channel="online", arrived_at=dt.datetime(YEAR, 6, 2, 10, tzinfo=dt.UTC),
                            received_on=dt.date(YEAR, 6, 2), decided_on=dt.date(YEAR, 6, 9),
                            disposition="disclosed", state="archived", subject="基准测试补录申请")
    stale = len(selectors.data_differences([r.report for r in published]))

    from django.contrib.auth import get_user_model

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="gkb_admin"))
    url = reverse("reports_admin:list") + f"?year={YEAR}"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        assert "发布后数据有变化" in response.content.decode(), response.content.decode()[:3000]

    # No collectstatic in a scratch directory: plain static storage, as the tests use.
    plain = override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}})
    with plain:
        page()  # warm up (templates, permission caches)
        statements = []

        def count(execute, sql, params, many, context):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            page()
        listed = timed(page, runs)
    bodies = [r.body for r in rows]
    figures = {
        "list page (GET)": listed,
        "tables, bulk": timed(lambda: selectors.tables_by_body(bodies, YEAR), runs),
        "tables, per body": timed(lambda: [(selectors.table2(b, YEAR), selectors.table3(b, YEAR),
                                             selectors.table4(b, YEAR)) for b in bodies], runs),
    }
    print(f"{label}: demo loaded in {load_s:.0f} s ({'with' if records else 'without'} the demo records); "
          f"{len(rows)} reporting bodies, {len(published)} published reports, {stale} differ from the data")
    for name, (median, worst) in figures.items():
        print(f"  {name:18s} median {median * 1000:7.1f} ms   worst {worst * 1000:7.1f} ms   ({runs} runs)")
    print(f"  the list page issues {len(statements)} SQL statements")
    print(f"  bulk vs per-body tables: {figures['tables, per body'][0] / figures['tables, bulk'][0]:.1f}× faster")
    ok = figures["list page (GET)"][0] <= 1.0
    print(f"target ≤ 1 s for the list: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


def run_one(db: str, runs: int, pg_url: str, records: bool) -> int:
    # The page is timed, not the sign-in: a scratch database, so the second factor is switched off.
    os.environ["GONGKAI_OTP_ENFORCE"] = "false"
    with scratch_database(db, pg_url, "gk_report_list_bench") as scratch:
        return 0 if scratch is None else _bench(scratch.label, runs, records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "pg", "both"], default="both")
    parser.add_argument("--runs", type=int, default=5, help="timed passes (default 5)")
    parser.add_argument("--records", action="store_true", help="load the ~300 demo records too (slow)")
    parser.add_argument("--pg-url", default=os.environ.get("GONGKAI_BENCH_PG_URL", DEFAULT_PG_URL),
                        help=f"PostgreSQL server to create the scratch database on (default {DEFAULT_PG_URL})")
    args = parser.parse_args(argv)
    if args.db != "both":
        return run_one(args.db, args.runs, args.pg_url, args.records)
    status = 0
    for db in ("sqlite", "pg"):
        status |= subprocess.call([sys.executable, __file__, "--db", db, "--runs", str(args.runs),
                                   "--pg-url", args.pg_url, *(["--records"] if args.records else [])])
    return status


if __name__ == "__main__":
    sys.exit(main())
