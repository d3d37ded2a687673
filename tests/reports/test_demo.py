"""The demo county's 2025 annual reports: published on time, one late, one with an explained
warning; made through the services, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

from gongkai.core.models import Body
from gongkai.demo.loader import load_demo
from gongkai.reports import selectors
from gongkai.reports.demo import WARNING_NOTE, ensure_demo_reports
from gongkai.reports.document import report_document
from gongkai.requests.demo import ensure_demo_cases

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def demo_reports(db):
    with freeze_time("2026-11-28 12:00:00+08:00"):
        load_demo(records=False)  # already calls ensure_demo_reports (before any case exists)
        ensure_demo_cases(TODAY)
        yield Body.objects.get(name="青山县人民政府")


def test_demo_reports_states(demo_reports):
    states = {s.body.name: s for s in selectors.overview(demo_reports, 2025, TODAY)}
    late = [name for name, s in states.items() if s.late]
    assert late == ["青山县教育局"]
    assert states["青山县教育局"].label == "逾期未发布" and states["青山县教育局"].state == "validated"
    assert all(s.state == "published" for name, s in states.items() if name != "青山县教育局")
    county = states["青山县人民政府"]
    assert county.deadline == dt.date(2026, 3, 31) and county.report.published_at.date() == dt.date(2026, 3, 25)
    assert [c["cell"] for c in county.report.checks] == ["table3.carried_over.natural_person",
                                                         "table3.carried_over.total"]
    assert county.report.warning_note == WARNING_NOTE
    assert report_document(county.report)["table2"]["licensing"] == 0
    agriculture = states["青山县农业农村局"].report
    assert report_document(agriculture)["table2"]["licensing"] == 126
    assert ensure_demo_reports(TODAY) == 0  # idempotent


def test_county_summary_adds_the_published_reports(demo_reports):
    summary = selectors.county_summary(demo_reports, 2025)
    states = selectors.overview(demo_reports, 2025, TODAY)
    assert summary["reports"] == len(states) - 1
    assert summary["table3"]["new"]["total"] == sum(
        s.report.table3["new"]["total"] for s in states if s.state == "published")
