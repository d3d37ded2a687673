"""Benchmark: the privacy sweep (存量排查) over everything public in a county, with one worker process
and with two, timed in the same run on the same database.

Loads the demo county into a scratch SQLite database (bench/scratch.py) — its published records
and attachments, 答复选登, annual reports, village postings, subsidy notices, pages — and, with
``--copies N``, N more copies of each published record with its attachments (so the sweep has
enough to spread). Then runs the real command, ``gongkai privacy sweep --jobs 1`` and ``--jobs 2``,
each as a child process, alternating, ``--runs`` times, and prints the median wall time, items and
files per second of each and the ratio. Run: ``.venv/bin/python bench/sweep.py [--copies 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scratch import scratch_database  # noqa: E402  (bench/scratch.py)

ROOT = Path(__file__).resolve().parent.parent


def _copy_records(copies: int) -> int:
    """``copies`` more live copies of each published record and its attachments."""
    from django.core.files.base import ContentFile

    from gongkai.disclosure.models import Record, RecordAttachment

    made = 0
    originals = list(Record.objects.filter(live=True).prefetch_related("attachments"))
    for n in range(copies):
        for record in originals:
            attachments = list(record.attachments.all())
            copy = Record.objects.get(pk=record.pk)
            copy.pk = copy.id = None
            copy.index_number = f"{record.index_number}-c{n}" if record.index_number else ""
            copy.latest_revision = copy.live_revision = None
            copy.save()
            for attachment in attachments:
                with attachment.file.open("rb") as handle:
                    data = handle.read()
                RecordAttachment.objects.create(record=copy, title=attachment.title, sort_order=attachment.sort_order,
                                                file=ContentFile(data, name=Path(attachment.file.name).name))
            made += 1
    return made


def sweep_once(env: dict, jobs: int) -> dict:
    t0 = time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).with_name("gongkai")), "privacy", "sweep", "--json",
                           "--jobs", str(jobs)], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode not in (0, 1):
        raise SystemExit(f"sweep --jobs {jobs} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"sweep --jobs {jobs} printed no JSON:\n{done.stdout[-1000:]}\n{done.stderr[-2000:]}") from None
    return {"seconds": seconds, "items": report["records"], "files": report["files"],
            "findings": sum(len(item["findings"]) for body in report["bodies"] for item in body["records"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=3, help="more copies of each published record (default 3)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each, alternating (default 3)")
    args = parser.parse_args()
    with scratch_database("sqlite", "", "gk_sweep_bench") as scratch:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        call_command("demo", verbosity=0)
        copies = _copy_records(args.copies)
        print(f"demo county loaded, {copies} record copies added ({time.perf_counter() - t0:.0f} s)")
        from django.db import connections

        connections.close_all()
        env = {**os.environ, "DATABASE_URL": scratch.database_url, "GONGKAI_VAR_DIR": str(scratch.directory),
               "PYTHONPATH": str(ROOT / "src")}
        results: dict[int, list[dict]] = {1: [], 2: []}
        for _ in range(args.runs):
            for jobs in (1, 2):
                results[jobs].append(sweep_once(env, jobs))
        medians = {}
        for jobs, runs in results.items():
            seconds = statistics.median(r["seconds"] for r in runs)
            first = runs[0]
            assert all((r["items"], r["findings"]) == (first["items"], first["findings"]) for r in runs), runs
            medians[jobs] = seconds
            print(f"sweep --jobs {jobs}: {first['items']} items ({first['files']} files, {first['findings']} findings) "
                  f"in {seconds:.2f} s median of {len(runs)} = {first['items'] / seconds:.0f} items/s, "
                  f"{first['files'] / seconds:.1f} files/s (process start included)")
        assert results[1][0]["findings"] == results[2][0]["findings"], "both must find the same"
        print(f"ratio --jobs 2 / --jobs 1: {medians[1] / medians[2]:.2f}x faster ({os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
