"""Fixtures for annual reports: officers of a department, and the hand-computed facts of the rules
tests written into the database."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from gongkai.core.models import Role
from gongkai.disclosure.models import Record
from gongkai.requests.models import Case, Review
from tests.rules.test_annual_report import ALL_CASES, DOCUMENTS, REVIEWS

_serial = itertools.count(1)


@pytest.fixture
def officer_a(county, make_user):
    return make_user(Role.INFO_OFFICER, county.dept_a)


@pytest.fixture
def leader_a(county, make_user):
    return make_user(Role.APPROVING_LEADER, county.dept_a)


@pytest.fixture
def officer_b(county, make_user):
    return make_user(Role.INFO_OFFICER, county.dept_b)


def add_case(body, fact, **extra) -> Case:
    n = next(_serial)
    state = "archived" if fact.decided_on else "processing"
    return Case.objects.create(
        body=body, query_code=f"T{n:010d}", applicant_type=fact.applicant_type, channel="in_person",
        arrived_at=timezone.make_aware(dt.datetime.combine(fact.received_on, dt.time(10))),
        received_on=fact.received_on, subject=f"测试申请{n}", disposition=fact.disposition or "",
        decided_on=fact.decided_on, state=state, **extra)


def add_record(body, fact) -> Record:
    return Record.objects.create(
        body=body, title=f"文件{next(_serial)}", formed_date=fact.issued_on, written_date=fact.issued_on,
        doc_type=fact.doc_type, validity=fact.validity, validity_date=fact.validity_date, live=True,
        first_published_at=timezone.make_aware(dt.datetime.combine(fact.issued_on, dt.time(9))))


@pytest.fixture
def facts_in_db(county):
    """The rules tests' cases, reviews (one on each of the first cases) and documents at dept_a; some noise
    at dept_b that must never be counted for dept_a."""
    body = county.dept_a
    cases = [add_case(body, fact) for fact in ALL_CASES]
    for case, review in zip(cases, REVIEWS, strict=False):
        Review.objects.create(case=case, kind=review.kind, filed_on=review.filed_on, result=review.result,
                              concluded_on=review.concluded_on)
    for doc in DOCUMENTS:
        add_record(body, doc)
    for fact in ALL_CASES[:5]:
        add_case(county.dept_b, fact)
    return body


#: Section 五 as a body writes it: the draft leaves it to the body ("（请填写…）"), and a report with
#: a drafted instruction left in it cannot be published.
PROBLEMS_TEXT = ("（一）存在的主要问题。一是依申请公开答复说理还不够充分；二是部分领域公开内容更新不及时。"
                 "（二）改进措施。下一步将规范答复文书，对照公开目录逐项更新公开内容。")


def generate_finished(actor, body, year, **kwargs):
    """generate(), then section 五 written by the body, as before publication."""
    from gongkai.reports import services

    report = services.generate(actor, body, year, **kwargs)
    return services.edit(actor, report, sections={"problems": PROBLEMS_TEXT})
