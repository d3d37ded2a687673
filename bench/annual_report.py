"""Benchmark: annual-report generation (gongkai.reports) for a body with 100 000 cases in the year.

Builds a scratch database (a temporary SQLite file; a PostgreSQL database created and dropped by the
script), migrates it, creates a county with two departments and loads, with ``bulk_create``:

- for the measured department: N cases received in the report year (default 100 000; every
  applicant type and every disposition, about 6 % still open at 31 December, some decided in
  January of the next year), 4 % as many carried over from the year before, 1 % received the
  next year, one 行政复议 or 行政诉讼 for every 40 cases (filed before, inside and after the year,
  with results before and after 31 December), 2 000 规章/行政规范性文件 records and fee notices;
- for the other department, N/5 cases the report must not count.

Then it times, over ``--runs`` passes (median and worst, wall clock): each table's SQL
(``reports.selectors.table3/table4/table2``) and the whole ``reports.services.generate`` (tables,
drafted sections, checks, save, audit entry), and checks that the SQL table 三 equals the pure
``rules.annual_report.table3`` over the same cases read back as facts. Target: ≤ 1 s per
generation on SQLite and on PostgreSQL.

    .venv/bin/python bench/annual_report.py                      # SQLite and PostgreSQL
    .venv/bin/python bench/annual_report.py --db sqlite --cases 200000
    .venv/bin/python bench/annual_report.py --db pg --pg-url postgres://postgres@127.0.0.1:5432/postgres

Each database runs in its own process (Django is configured once per process). PostgreSQL is
skipped with a message when it cannot be reached; after loading, ``ANALYZE`` runs as autovacuum
would.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time

from scratch import scratch_database, timed  # bench/scratch.py (this directory is on sys.path)

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"
YEAR = 2025


def run_one(db: str, cases: int, runs: int, pg_url: str) -> int:
    with scratch_database(db, pg_url, "gk_report_bench") as scratch:
        return 0 if scratch is None else _bench(scratch.label, cases, runs)


def _random_case(r: random.Random, received: dt.date, applicants, dispositions) -> dict:
    """One case: 94 % decided within about 20 working days (some in January of the next year)."""
    decided = disposition = None
    if r.random() >= 0.06 or received.year < YEAR:
        decided = received + dt.timedelta(days=r.randint(0, 40))
        disposition = r.choices(dispositions, weights=[30, 10] + [1] * (len(dispositions) - 2))[0]
    return {"received": received, "decided": decided, "disposition": disposition,
            "applicant": r.choices(applicants, weights=[70, 12, 3, 3, 6, 6])[0]}


def _load(cases: int) -> tuple:
    from django.db import connection
    from django.utils import timezone

    from gongkai.core.actors import SYSTEM
    from gongkai.core.models import BodyKind
    from gongkai.core.services.bodies import create_body
    from gongkai.disclosure.models import Record
    from gongkai.requests.models import Case, FeeNotice, Review
    from gongkai.rules.dispositions import ApplicantType, Disposition
    from gongkai.rules.identifiers import make_uscc

    r = random.Random(20261205)
    county = create_body(SYSTEM, parent=None, kind=BodyKind.COUNTY, name="基准县人民政府",
                         code=make_uscc("11", "990199", "00000001"))
    dept = create_body(SYSTEM, parent=county, kind=BodyKind.DEPARTMENT, name="基准县自然资源局",
                       code=make_uscc("11", "990199", "00000002"))
    other = create_body(SYSTEM, parent=county, kind=BodyKind.DEPARTMENT, name="基准县教育局",
                        code=make_uscc("11", "990199", "00000003"))
    applicants = [t.value for t in ApplicantType]
    dispositions = [d.value for d in Disposition]
    start = dt.date(YEAR, 1, 1)
    plan = ([(dept, start + dt.timedelta(days=r.randrange(365))) for _ in range(cases)]
            + [(dept, dt.date(YEAR - 1, 9, 1) + dt.timedelta(days=r.randrange(122))) for _ in range(cases // 25)]
            + [(dept, dt.date(YEAR + 1, 1, 1) + dt.timedelta(days=r.randrange(60))) for _ in range(cases // 100)]
            + [(other, start + dt.timedelta(days=r.randrange(365))) for _ in range(cases // 5)])
    serial = 0
    batch = []
    total = 0
    for body, received in plan:
        c = _random_case(r, received, applicants, dispositions)
        serial += 1
        batch.append(Case(
            body=body, query_code=f"B{serial:011d}", applicant_type=c["applicant"], channel="online",
            arrived_at=timezone.make_aware(dt.datetime.combine(received, dt.time(9))), received_on=received,
            subject="基准测试申请", disposition=c["disposition"] or "", decided_on=c["decided"],
            state="archived" if c["decided"] else "processing"))
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            total += len(batch)
            batch = []
    Case.objects.bulk_create(batch)
    total += len(batch)
    ids = list(Case.objects.filter(body=dept).values_list("pk", flat=True))
    kinds = ["reconsideration", "litigation_direct", "litigation_after_reconsideration"]
    reviews = []
    for pk in r.sample(ids, len(ids) // 40):
        filed = dt.date(YEAR - 1, 11, 1) + dt.timedelta(days=r.randrange(500))
        result = r.choice(["upheld", "corrected", "other", "pending"])
        concluded = filed + dt.timedelta(days=r.randint(20, 200)) if result != "pending" else None
        reviews.append(Review(case_id=pk, kind=r.choice(kinds), filed_on=filed, result=result, concluded_on=concluded))
    Review.objects.bulk_create(reviews, batch_size=5000)
    FeeNotice.objects.bulk_create([
        FeeNotice(case_id=pk, amount=r.choice([50, 100, 200]), sent_on=dt.date(YEAR, 6, 1),
                  notice_received_on=dt.date(YEAR, 6, 2), paid_on=dt.date(YEAR, 6, 10) if r.random() < .7 else None)
        for pk in r.sample(ids, 300)], batch_size=5000)
    records = []
    for i in range(2000):
        issued = dt.date(YEAR - 5, 1, 1) + dt.timedelta(days=r.randrange(6 * 365))
        ended = r.random() < 0.2
        records.append(Record(
            body=dept, title=f"基准文件{i}", formed_date=issued, written_date=issued,
            doc_type=r.choice(["regulation", "normative"]), validity="repealed" if ended else "valid",
            validity_date=issued + dt.timedelta(days=r.randint(30, 900)) if ended else None, live=True,
            first_published_at=timezone.make_aware(dt.datetime.combine(issued, dt.time(9)))))
    Record.objects.bulk_create(records, batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return dept, total, len(reviews)


def _bench(label: str, cases: int, runs: int) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongkai.core.actors import SYSTEM
    from gongkai.reports import selectors, services
    from gongkai.requests.models import Case
    from gongkai.rules import annual_report as ar

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - t
    t = time.perf_counter()
    dept, total, reviews = _load(cases)
    load_s = time.perf_counter() - t
    in_year = Case.objects.filter(body=dept, received_on__year=YEAR).count()

    facts = [ar.CaseFact(a, rec, dec, disp or None) for a, rec, dec, disp in
             Case.objects.filter(body=dept).values_list("applicant_type", "received_on", "decided_on", "disposition")]
    same = selectors.table3(dept, YEAR) == ar.table3(facts, YEAR)

    figures = {
        "table 三 (SQL)": timed(lambda: selectors.table3(dept, YEAR), runs),
        "table 四 (SQL)": timed(lambda: selectors.table4(dept, YEAR), runs),
        "table 二 (SQL)": timed(lambda: selectors.table2(dept, YEAR), runs),
        "generate()": timed(lambda: services.generate(SYSTEM, dept, YEAR, redraft=True), runs),
    }
    with CaptureQueriesContext(connection) as queries:
        report = services.generate(SYSTEM, dept, YEAR, redraft=True)
    t3 = report.table3
    print(f"\n== {label} ({connection.vendor}), {in_year} cases received in {YEAR} at one department, "
          f"{total} cases in all, {reviews} reviews ==")
    print(f"migrate {migrate_s:.1f} s, load {load_s:.1f} s; load average {os.getloadavg()[0]:.1f} "
          f"({os.cpu_count()} CPUs)")
    print(f"table 三: 新收 {t3['new']['total']}, 上年结转 {t3['carried_over']['total']}, "
          f"办结 {t3['results_total']['total']}, 结转下年度 {t3['carried_forward']['total']}; "
          f"checks {len(report.checks)}; SQL table equals rules.table3 over the same facts: {same}")
    for name, (median, worst) in figures.items():
        print(f"  {name:16s} median {median * 1000:7.1f} ms   worst {worst * 1000:7.1f} ms   ({runs} runs)")
    print(f"  generate() issues {len(queries.captured_queries)} SQL statements")
    ok = figures["generate()"][0] <= 1.0 and same
    print(f"target ≤ 1 s per generation: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases received in the year (default 100000)")
    parser.add_argument("--db", choices=["sqlite", "pg", "both"], default="both")
    parser.add_argument("--runs", type=int, default=5, help="timed passes (default 5)")
    parser.add_argument("--pg-url", default=os.environ.get("GONGKAI_BENCH_PG_URL", DEFAULT_PG_URL),
                        help=f"PostgreSQL server to create the scratch database on (default {DEFAULT_PG_URL})")
    args = parser.parse_args(argv)
    if args.cases < 1000:
        parser.error("--cases must be at least 1000")
    if args.db != "both":
        return run_one(args.db, args.cases, args.runs, args.pg_url)
    status = 0
    for db in ("sqlite", "pg"):
        status |= subprocess.call([sys.executable, __file__, "--db", db, "--cases", str(args.cases),
                                   "--runs", str(args.runs), "--pg-url", args.pg_url])
    return status


if __name__ == "__main__":
    sys.exit(main())
