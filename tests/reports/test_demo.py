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


def test_demo_reports_have_real_text_in_every_section(demo_reports):
    """No published (or validated) demo report holds a drafted instruction or an empty section, in
    its text, its HTML or its DOCX; each body's 五 is written from its own data."""
    import io

    from docx import Document

    from gongkai.reports.exports import to_docx, to_html
    from gongkai.reports.models import AnnualReport
    from gongkai.rules import annual_report as ar

    reports = list(AnnualReport.objects.filter(body__path__startswith=demo_reports.path).select_related("body"))
    assert len(reports) == len(selectors.overview(demo_reports, 2025, TODAY)) + 1  # and the county's 2024
    for report in reports:
        document = report_document(report)
        assert ar.section_checks(document["sections"]) == [], report
        assert not any(c["code"].startswith("section_") for c in report.checks), report
        html = to_html(document)
        docx = "\n".join(p.text for p in Document(io.BytesIO(to_docx(document))).paragraphs)
        for text in (html, docx):
            assert "（请" not in text, report
        assert "（一）存在的主要问题。一是" in document["sections"]["problems"]
        assert f"下一步，{report.body.name}将一是" in document["sections"]["problems"]
    county = next(r for r in reports if r.body == demo_reports and r.year == 2025)
    assert "年度绩效考核" in county.section_overview


def test_demo_problems_are_written_from_each_bodys_data(county, facts_in_db):
    """Section 五 of a demo report follows the body's own figures: dept_a's records, refused
    and late applications and corrected reviews, dept_b's two applications, a township's empty year."""
    import datetime as dt

    from gongkai.reports.demo import demo_problems
    from gongkai.requests.models import Case

    def text(body):
        return demo_problems(body, 2025, selectors.table3(body, 2025), selectors.table4(body, 2025))

    a, b, empty = text(county.dept_a), text(county.dept_b), text(county.township_a)
    assert len({a, b, empty}) == 3
    assert "办结的2件申请中不予公开或无法提供1件" in b
    assert "本年度未收到政府信息公开申请" in empty and "全年未主动公开政府信息" in empty
    assert "行政复议、行政诉讼纠正" in a
    assert "依申请公开答复说理还不够充分" in a or "超过法定期限答复" in a
    Case.objects.filter(body=county.dept_a, decided_on__year=2025).update(due_on=dt.date(2025, 1, 1))
    late = text(county.dept_a)
    assert "件超过法定期限答复" in late and "答复期限提醒" in late
