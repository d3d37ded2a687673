"""Demo annual reports of 青山县 for 2025, made through the services from the demo's own cases,
records and reviews (idempotent: nothing is done when 2025 reports exist).

- every department and township publishes on time (before 31 January 2026), except
- 青山县教育局: compiled and validated, never published — late after 31 January;
- 青山县人民政府: its 2024 report (entered afterwards, two paper applications carried forward) makes
  the 2025 report's 上年结转 disagree with it; the warning is explained in a note and the report
  published on 25 March 2026, before its 31 March deadline;
- 青山县农业农村局 has entered its table 二 figures (行政许可、处罚、强制, fees).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from gongkai.core.models import Body
from gongkai.reports import selectors, services
from gongkai.reports.models import AnnualReport

YEAR = 2025
COUNTY_NAME = "青山县人民政府"
LATE_BODY = "青山县教育局"
OFFICERS = {"青山县人民政府": ("xzf_xxy", "xzf_ld"), "青山县农业农村局": ("nyj_xxy", "nyj_ld"),
            "青山县青石镇人民政府": ("qsz_xxy", "qsz_ld"), "青山县教育局": ("jyj_xxy", "gkb_admin")}
OFFICE_ADMIN = "gkb_admin"
WARNING_NOTE = ("2024年度结转的2件申请为纸质登记，未录入本平台；两件均已于2025年1月办结，"
                "本报告“上年结转”按平台数据填报。")


def _at(day: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00"))


def ensure_demo_reports(today: dt.date | None = None) -> int:
    """Create the demo's 2025 reports unless some exist; return how many were published."""
    today = today or timezone.localdate()
    county = Body.objects.filter(name=COUNTY_NAME, kind="county").first()
    if county is None or today <= dt.date(YEAR + 1, 3, 25):
        return 0
    if AnnualReport.objects.filter(body__path__startswith=county.path, year=YEAR).exists():
        return 0
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=[OFFICE_ADMIN, *(n for pair in OFFICERS.values() for n in pair)])}
    admin = users[OFFICE_ADMIN]

    def team(body: Body):
        officer, leader = OFFICERS.get(body.name, (OFFICE_ADMIN, OFFICE_ADMIN))
        return users.get(officer, admin), users.get(leader, admin)

    published = 0
    agriculture = Body.objects.filter(name="青山县农业农村局").first()
    if agriculture is not None:
        officer, _leader = team(agriculture)
        services.save_figures(officer, agriculture, YEAR, licensing=126, penalty=18, coercion=2, fees_wan="0")
    for state in selectors.overview(county, YEAR, today):
        body = state.body
        officer, leader = team(body)
        if body.kind == "county":
            previous = services.generate(officer, body, YEAR - 1)
            previous = services.edit(officer, previous, cells={
                "table3.new.natural_person": previous.table3["new"]["natural_person"] + 2,
                "table3.new.total": previous.table3["new"]["total"] + 2,
                "table3.carried_forward.natural_person": previous.table3["carried_forward"]["natural_person"] + 2,
                "table3.carried_forward.total": previous.table3["carried_forward"]["total"] + 2})
            services.publish(leader, previous, published_at=_at("2025-03-20"))
        report = services.generate(officer, body, YEAR)
        services.validate(officer, report)
        if body.name == LATE_BODY:
            continue
        if body.kind == "county":
            services.publish(leader, report, note=WARNING_NOTE, published_at=_at("2026-03-25"))
        else:
            services.publish(leader, report, published_at=_at(f"2026-01-{20 + body.pk % 10:02d}"))
        published += 1
    return published
