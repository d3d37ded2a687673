"""Annual-report arithmetic (条例 Art. 49–50; domain facts §2.3–§2.6), checked cell by cell against
hand-computed tables. Every expected figure below was worked out by hand from the facts listed, not
computed by the code under test."""

import datetime as dt
from decimal import Decimal

import pytest

from gongkai.rules.annual_report import (
    APPLICANT_COLUMNS,
    DISPOSITION_ROWS,
    TABLE3_COLUMNS,
    TABLE3_ROWS,
    TABLE4_KIND_LABELS,
    TABLE4_KINDS,
    TABLE4_RESULT_LABELS,
    TABLE4_RESULTS,
    CaseFact,
    DocumentFact,
    Level,
    ReportError,
    ReviewFact,
    case_rows,
    cross_year_checks,
    explain_review,
    is_late,
    publication_deadline,
    table2,
    table3,
    table4,
    table4_guide,
    validate,
    validate_fees,
    validate_table3,
    validate_table4,
    yuan_to_wan,
)
from gongkai.rules.dispositions import ApplicantType, Disposition

D = dt.date.fromisoformat

# --- Case facts ------------------------------------------------------------------------------------

# Cases around the year boundaries (name: applicant, received, decided, disposition).
BOUNDARY_CASES = {
    "dec_to_jan": CaseFact("natural_person", D("2024-12-20"), D("2025-01-06"), "disclosed"),
    "dec_into_next_year": CaseFact("natural_person", D("2025-12-29"), D("2026-01-05"), "partial"),
    "carried_twice_then_decided": CaseFact("commercial", D("2023-11-30"), D("2025-02-10"), "withheld.state_secret"),
    "undecided": CaseFact("commercial", D("2025-03-03")),
    "done_last_year": CaseFact("research", D("2024-06-01"), D("2024-06-20"), "disclosed"),
    "received_next_year": CaseFact("research", D("2026-01-02")),
    "last_day_both": CaseFact("legal_service", D("2025-12-31"), D("2025-12-31"), "not_processed.repeat"),
    "new_year_day_decided": CaseFact("other_org", D("2024-12-31"), D("2025-01-01"), "unavailable.not_held"),
    "last_year_last_day_both": CaseFact("nonprofit", D("2024-12-31"), D("2024-12-31"), "disclosed"),
    "new_year_day_open": CaseFact("nonprofit", D("2025-01-01")),
    "carried_twice_open": CaseFact("research", D("2024-10-08")),
}

# Every disposition once, each received and decided in 2025, every applicant type used.
EVERY_DISPOSITION = [
    ("disclosed", "natural_person"),
    ("partial", "natural_person"),
    ("withheld.state_secret", "commercial"),
    ("withheld.law_prohibited", "research"),
    ("withheld.three_security_one_stability", "nonprofit"),
    ("withheld.third_party_rights", "legal_service"),
    ("withheld.internal_affairs", "other_org"),
    ("withheld.process_info", "natural_person"),
    ("withheld.enforcement_file", "commercial"),
    ("withheld.administrative_query", "research"),
    ("unavailable.not_held", "nonprofit"),
    ("unavailable.needs_creation", "legal_service"),
    ("unavailable.unclear_after_correction", "other_org"),
    ("not_processed.petition_complaint", "natural_person"),
    ("not_processed.repeat", "commercial"),
    ("not_processed.publication", "research"),
    ("not_processed.excessive", "nonprofit"),
    ("not_processed.confirm_or_reissue", "legal_service"),
    ("other.no_correction", "other_org"),
    ("other.no_fee_payment", "natural_person"),
    ("other.other", "commercial"),
]
DISPOSITION_CASES = [
    CaseFact(applicant, D(f"2025-{i % 12 + 1:02d}-10"), D(f"2025-{i % 12 + 1:02d}-25"), disposition)
    for i, (disposition, applicant) in enumerate(EVERY_DISPOSITION)
]
ALL_CASES = [*BOUNDARY_CASES.values(), *DISPOSITION_CASES]

NP, COM, RES, NPO, LS, OO, T = (*APPLICANT_COLUMNS, "total")

# Hand-computed table 三 for 2025: only the non-zero cells.
EXPECTED_2025 = {
    "new": {NP: 6, COM: 5, RES: 3, NPO: 4, LS: 4, OO: 3, T: 25},
    "carried_over": {NP: 1, COM: 1, RES: 1, OO: 1, T: 4},
    "disclosed": {NP: 2, T: 2},
    "partial": {NP: 1, T: 1},
    "withheld.state_secret": {COM: 2, T: 2},
    "withheld.law_prohibited": {RES: 1, T: 1},
    "withheld.three_security_one_stability": {NPO: 1, T: 1},
    "withheld.third_party_rights": {LS: 1, T: 1},
    "withheld.internal_affairs": {OO: 1, T: 1},
    "withheld.process_info": {NP: 1, T: 1},
    "withheld.enforcement_file": {COM: 1, T: 1},
    "withheld.administrative_query": {RES: 1, T: 1},
    "unavailable.not_held": {NPO: 1, OO: 1, T: 2},
    "unavailable.needs_creation": {LS: 1, T: 1},
    "unavailable.unclear_after_correction": {OO: 1, T: 1},
    "not_processed.petition_complaint": {NP: 1, T: 1},
    "not_processed.repeat": {COM: 1, LS: 1, T: 2},
    "not_processed.publication": {RES: 1, T: 1},
    "not_processed.excessive": {NPO: 1, T: 1},
    "not_processed.confirm_or_reissue": {LS: 1, T: 1},
    "other.no_correction": {OO: 1, T: 1},
    "other.no_fee_payment": {NP: 1, T: 1},
    "other.other": {COM: 1, T: 1},
    "results_total": {NP: 6, COM: 5, RES: 3, NPO: 3, LS: 4, OO: 4, T: 25},
    "carried_forward": {NP: 1, COM: 1, RES: 1, NPO: 1, T: 4},
}
# 2024: dec_to_jan, carried_twice_then_decided (its second year), done_last_year, new_year_day_decided,
# last_year_last_day_both, carried_twice_open.
EXPECTED_2024 = {
    "new": {NP: 1, RES: 2, NPO: 1, OO: 1, T: 5},
    "carried_over": {COM: 1, T: 1},
    "disclosed": {RES: 1, NPO: 1, T: 2},
    "results_total": {RES: 1, NPO: 1, T: 2},
    "carried_forward": {NP: 1, COM: 1, RES: 1, OO: 1, T: 4},
}
# 2026: dec_into_next_year decided, undecided / new_year_day_open / carried_twice_open carried again.
EXPECTED_2026 = {
    "new": {RES: 1, T: 1},
    "carried_over": {NP: 1, COM: 1, RES: 1, NPO: 1, T: 4},
    "partial": {NP: 1, T: 1},
    "results_total": {NP: 1, T: 1},
    "carried_forward": {COM: 1, RES: 2, NPO: 1, T: 4},
}


def full(expected: dict) -> dict:
    return {row: {col: expected.get(row, {}).get(col, 0) for col in TABLE3_COLUMNS} for row in TABLE3_ROWS}


@pytest.mark.parametrize(("name", "year", "rows"), [
    ("dec_to_jan", 2024, ("new", "carried_forward")),
    ("dec_to_jan", 2025, ("carried_over", "disclosed")),
    ("dec_to_jan", 2026, ()),
    ("dec_into_next_year", 2025, ("new", "carried_forward")),
    ("dec_into_next_year", 2026, ("carried_over", "partial")),
    ("carried_twice_then_decided", 2023, ("new", "carried_forward")),
    ("carried_twice_then_decided", 2024, ("carried_over", "carried_forward")),
    ("carried_twice_then_decided", 2025, ("carried_over", "withheld.state_secret")),
    ("undecided", 2024, ()),
    ("undecided", 2025, ("new", "carried_forward")),
    ("undecided", 2030, ("carried_over", "carried_forward")),
    ("done_last_year", 2025, ()),
    ("received_next_year", 2025, ()),
    ("last_day_both", 2025, ("new", "not_processed.repeat")),
    ("last_day_both", 2026, ()),
    ("new_year_day_decided", 2024, ("new", "carried_forward")),
    ("new_year_day_decided", 2025, ("carried_over", "unavailable.not_held")),
    ("last_year_last_day_both", 2025, ()),
    ("new_year_day_open", 2025, ("new", "carried_forward")),
    ("carried_twice_open", 2025, ("carried_over", "carried_forward")),
    ("carried_twice_open", 2026, ("carried_over", "carried_forward")),
])
def test_case_rows_across_year_boundaries(name, year, rows):
    assert case_rows(BOUNDARY_CASES[name], year) == rows


@pytest.mark.parametrize(("year", "expected"), [(2024, EXPECTED_2024), (2025, EXPECTED_2025),
                                                (2026, EXPECTED_2026)])
def test_table3_cell_by_cell(year, expected):
    got = table3(ALL_CASES, year)
    want = full(expected)
    assert list(got) == list(TABLE3_ROWS)
    for row in TABLE3_ROWS:
        assert list(got[row]) == list(TABLE3_COLUMNS)
        for column in TABLE3_COLUMNS:
            assert got[row][column] == want[row][column], (row, column)
    assert validate_table3(got) == []


def test_table3_identities_hold_on_hand_computed_tables():
    for expected in (EXPECTED_2024, EXPECTED_2025, EXPECTED_2026):
        t = full(expected)
        for col in TABLE3_COLUMNS:
            assert t["new"][col] + t["carried_over"][col] == t["results_total"][col] + t["carried_forward"][col]
            assert t["results_total"][col] == sum(t[r][col] for r in DISPOSITION_ROWS)
        for row in TABLE3_ROWS:
            assert t[row]["total"] == sum(t[row][c] for c in APPLICANT_COLUMNS)


def test_every_disposition_and_applicant_type_is_covered():
    assert {d for d, _ in EVERY_DISPOSITION} == {d.value for d in Disposition}
    assert {a for _, a in EVERY_DISPOSITION} == {a.value for a in ApplicantType}


def test_cross_year_chain_has_no_warning_when_carry_matches():
    t2024, t2025, t2026 = (table3(ALL_CASES, y) for y in (2024, 2025, 2026))
    assert cross_year_checks(t2025, t2024, 2025) == []
    assert cross_year_checks(t2026, t2025, 2026) == []


def test_cross_year_mismatch_is_a_warning_naming_the_cell():
    t2024, t2025 = table3(ALL_CASES, 2024), table3(ALL_CASES, 2025)
    t2024["carried_forward"]["commercial"] = 3
    t2024["carried_forward"]["total"] = 6
    found = cross_year_checks(t2025, t2024, 2025)
    assert [(c.level, c.cell) for c in found] == [
        (Level.WARNING, "table3.carried_over.commercial"), (Level.WARNING, "table3.carried_over.total")]
    assert "表三「二、上年结转政府信息公开申请数量」行「商业企业」列为1" in found[0].message
    assert "2024年度报告「四、结转下年度继续办理」为3" in found[0].message
    assert cross_year_checks(t2025, None, 2025) == []


@pytest.mark.parametrize(("fact", "message"), [
    (CaseFact("citizen", D("2025-01-02")), "申请人类型“citizen”"),
    (CaseFact("natural_person", D("2025-01-02"), D("2025-01-03")), "须同时填写"),
    (CaseFact("natural_person", D("2025-01-02"), None, "disclosed"), "须同时填写"),
    (CaseFact("natural_person", D("2025-01-02"), D("2025-01-03"), "granted"), "办理结果“granted”"),
    (CaseFact("natural_person", D("2025-01-05"), D("2025-01-03"), "disclosed"), "早于收到申请之日"),
])
def test_impossible_case_facts_are_refused(fact, message):
    with pytest.raises(ReportError, match=message):
        case_rows(fact, 2025)


# --- Table 四 ----------------------------------------------------------------------------------------

REVIEWS = [
    ReviewFact("reconsideration", D("2024-11-05"), "upheld", D("2025-01-10")),  # filed before the year
    ReviewFact("reconsideration", D("2025-01-01"), "upheld", D("2025-03-01")),
    ReviewFact("reconsideration", D("2025-06-10"), "corrected", D("2025-08-01")),
    ReviewFact("reconsideration", D("2025-12-31")),  # filed on the last day, pending
    ReviewFact("reconsideration", D("2025-11-20"), "corrected", D("2026-01-15")),  # result after the year
    ReviewFact("litigation_direct", D("2025-04-01"), "other", D("2025-12-31")),
    ReviewFact("litigation_direct", D("2025-05-01"), "upheld", D("2026-03-01")),  # result after the year
    ReviewFact("litigation_direct", D("2026-01-01")),  # filed after the year
    ReviewFact("litigation_after_reconsideration", D("2025-02-02"), "upheld", D("2025-09-09")),
    ReviewFact("litigation_after_reconsideration", D("2025-03-03"), "corrected", None),  # no date recorded
    ReviewFact("litigation_after_reconsideration", D("2024-12-31")),  # filed before the year
]

EXPECTED_T4 = {
    2025: {
        "reconsideration": {"upheld": 1, "corrected": 1, "other": 0, "pending": 2, "total": 4},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 1, "pending": 1, "total": 2},
        "litigation_after_reconsideration": {"upheld": 1, "corrected": 1, "other": 0, "pending": 0, "total": 2},
    },
    2024: {  # the 2024-11-05 reconsideration was upheld only on 2025-01-10: pending in 2024
        "reconsideration": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0},
        "litigation_after_reconsideration": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
    },
    2026: {
        "reconsideration": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
        "litigation_after_reconsideration": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0},
    },
}


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_table4_cell_by_cell(year):
    got = table4(REVIEWS, year)
    for kind in TABLE4_KINDS:
        for result in TABLE4_RESULTS:
            assert got[kind][result] == EXPECTED_T4[year][kind][result], (kind, result)
    assert validate_table4(got) == []


def test_table4_refuses_unknown_vocabulary():
    with pytest.raises(ReportError, match="复议诉讼类型"):
        table4([ReviewFact("appeal", D("2025-01-01"))], 2025)
    with pytest.raises(ReportError, match="复议诉讼结果"):
        table4([ReviewFact("reconsideration", D("2025-01-01"), "total")], 2025)


# --- Table 二 ----------------------------------------------------------------------------------------

DOCUMENTS = [
    DocumentFact("regulation", D("2025-03-01")),  # issued, in force
    DocumentFact("regulation", D("2020-05-01"), "repealed", D("2025-06-30")),  # repealed this year
    DocumentFact("regulation", D("2019-01-01")),  # in force
    DocumentFact("normative", D("2025-02-01"), "expired", D("2025-12-31")),  # issued and expired this year
    DocumentFact("normative", D("2024-07-01"), "expired", D("2026-01-01")),  # still in force on 31 Dec
    DocumentFact("normative", D("2026-01-05")),  # next year
    DocumentFact("normative", D("2023-01-01"), "repealed", D("2024-12-31")),  # gone before the year
]


def test_table2_documents_and_entered_figures():
    got = table2(DOCUMENTS, 2025, licensing=312, penalty=45, coercion=3, fees_wan=Decimal("12.3456"))
    assert got == {
        "regulation": {"issued": 1, "repealed": 1, "in_force": 2},
        "normative": {"issued": 1, "repealed": 1, "in_force": 1},
        "licensing": 312, "penalty": 45, "coercion": 3, "fees_wan": "12.3456",
    }
    assert table2(DOCUMENTS, 2024)["normative"] == {"issued": 1, "repealed": 1, "in_force": 1}


def test_stock_identity_across_years():
    """现行有效(去年) + 本年制发 − 本年废止 = 现行有效(今年): why 失效 counts under 本年废止."""
    for year in (2024, 2025, 2026):
        before, now = table2(DOCUMENTS, year - 1), table2(DOCUMENTS, year)
        for row in ("regulation", "normative"):
            assert before[row]["in_force"] + now[row]["issued"] - now[row]["repealed"] == now[row]["in_force"]


# --- Validation ------------------------------------------------------------------------------------


def _valid_tables():
    return (table2(DOCUMENTS, 2025, licensing=1, penalty=2, coercion=3, fees_wan="0.5"),
            table3(ALL_CASES, 2025), table4(REVIEWS, 2025))


def test_computed_report_passes_every_check():
    t2, t3, t4 = _valid_tables()
    assert validate(t2, t3, t4, year=2025, previous_t3=table3(ALL_CASES, 2024)) == []


@pytest.mark.parametrize(("table", "row", "column", "value", "cells"), [
    # 结转下年度 of 自然人 off by one: the column balance fails there and in 总计 (row total as well).
    ("t3", "carried_forward", NP, 2, ["table3.carried_forward.total", "table3.carried_forward.natural_person"]),
    # A 总计 cell that is not the sum of its row (and so breaks that column's balance).
    ("t3", "new", T, 26, ["table3.new.total", "table3.carried_forward.total"]),
    # （七）总计 not the sum of the result rows.
    ("t3", "results_total", COM, 4, ["table3.results_total.total", "table3.results_total.commercial",
                                     "table3.carried_forward.commercial"]),
    ("t3", "disclosed", RES, -1, ["table3.disclosed.research"]),
    ("t4", "litigation_direct", "total", 3, ["table4.litigation_direct.total"]),
    ("t4", "reconsideration", "pending", 1.5, ["table4.reconsideration.pending"]),
])
def test_hard_errors_name_the_cell(table, row, column, value, cells):
    t2, t3, t4 = _valid_tables()
    {"t3": t3, "t4": t4}[table][row][column] = value
    found = validate(t2, t3, t4, year=2025)
    assert sorted(c.cell for c in found) == sorted(cells)
    assert all(c.level == Level.ERROR for c in found)


def test_column_balance_message_quotes_the_table():
    _t2, t3, _t4 = _valid_tables()
    t3["carried_forward"][NP] = 2
    t3["carried_forward"]["total"] = 5
    check, total = validate_table3(t3)
    assert total.cell == "table3.carried_forward.total"
    assert check.cell == "table3.carried_forward.natural_person"
    assert check.message == ("表三「自然人」列：第一项加第二项之和为7，第三项（七）总计加第四项之和为8，二者应相等；"
                             "请核对表三「四、结转下年度继续办理」行「自然人」列")


def test_missing_cell_is_an_error():
    _t2, t3, _t4 = _valid_tables()
    del t3["new"]["research"]
    [check] = validate_table3(t3)
    assert (check.code, check.cell) == ("not_a_count", "table3.new.research")


@pytest.mark.parametrize(("value", "outcome"), [
    ("12.3456", None),
    ("12.34560", None),  # trailing zero: kept as printed
    ("0", None),
    (Decimal("99999.9999"), None),
    ("12.345678", None),  # six decimals: exact to the fen, as reports print it
    ("24252.311082", None),
    ("12.3456789", ("warning", "fees_precision")),
    ("-1", ("error", "fees_negative")),
    ("一万", ("error", "fees_not_a_number")),
    ("NaN", ("error", "fees_not_a_number")),
    ("123456", ("warning", "fees_unit")),
])
def test_fees_unit_and_rounding(value, outcome):
    found = validate_fees(value)
    assert [(c.level.value, c.code) for c in found] == ([outcome] if outcome else [])
    assert all(c.cell == "table2.fees_wan" for c in found)


@pytest.mark.parametrize(("yuan", "wan"), [
    (0, "0.000000"), (1, "0.000100"), ("123456", "12.345600"), ("123456.49", "12.345649"),
    ("0.005", "0.000001"), ("0.0049", "0.000000"), ("10000", "1.000000"),
])
def test_yuan_to_wan(yuan, wan):
    assert yuan_to_wan(yuan) == Decimal(wan)


def test_table2_count_errors():
    t2, t3, t4 = _valid_tables()
    t2["penalty"] = -3
    t2["regulation"]["issued"] = "2"
    found = validate(t2, t3, t4, year=2025)
    assert sorted(c.cell for c in found) == ["table2.penalty", "table2.regulation.issued"]
    assert "表二「行政处罚」「本年处理决定数量」应为非负整数" in " ".join(c.message for c in found)


def test_errors_come_before_warnings():
    t2, t3, t4 = _valid_tables()
    t2["fees_wan"] = "200000"
    t4["reconsideration"]["total"] = 0
    found = validate(t2, t3, t4, year=2025)
    assert [c.level for c in found] == [Level.ERROR, Level.WARNING]


# --- Deadlines (条例 Art. 49) ------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "year", "deadline"), [
    ("department", 2025, "2026-01-31"),
    ("township", 2025, "2026-01-31"),
    ("county", 2025, "2026-03-31"),
    ("county", 2023, "2024-03-31"),
])
def test_publication_deadline(kind, year, deadline):
    assert publication_deadline(kind, year) == D(deadline)


def test_villages_and_sections_have_no_report():
    for kind in ("village", "section"):
        with pytest.raises(ReportError):
            publication_deadline(kind, 2025)


@pytest.mark.parametrize(("published", "today", "late"), [
    ("2026-01-31", "2026-02-10", False),  # on the last day
    ("2026-02-01", "2026-02-10", True),  # a day late
    (None, "2026-01-31", False),  # not yet, still in time
    (None, "2026-02-01", True),  # not published and the deadline passed
])
def test_is_late(published, today, late):
    assert is_late(D("2026-01-31"), D(published) if published else None, D(today)) is late


def test_county_summary_adds_cell_by_cell_and_keeps_the_identities():
    from gongkai.rules.annual_report import sum_tables

    t2024, t2025 = table3(ALL_CASES, 2024), table3(ALL_CASES, 2025)
    summary = sum_tables([t2024, t2025])
    assert summary["new"]["total"] == 30 and summary["carried_forward"]["natural_person"] == 2
    assert validate_table3(summary) == []
    assert sum_tables([table4(REVIEWS, 2025), table4(REVIEWS, 2026)])["litigation_direct"] == {
        "upheld": 0, "corrected": 0, "other": 1, "pending": 2, "total": 3}


@pytest.mark.parametrize(("today", "published", "kind"), [
    ("2026-01-16", False, None),  # 15 days before 31 January
    ("2026-01-17", False, "due_soon"),  # 14 days before
    ("2026-01-31", False, "due_soon"),  # the last day
    ("2026-02-01", False, "overdue"),
    ("2026-01-20", True, None),
    ("2026-03-01", True, None),
])
def test_reminder_kind(today, published, kind):
    from gongkai.rules.annual_report import reminder_kind

    assert reminder_kind(D("2026-01-31"), D(today), published) == kind


# --- Explaining a review's cell of table 四 on the case screen (issue 14 §3) --------------------------

@pytest.mark.parametrize(("fact", "row", "column"), [
    (ReviewFact("reconsideration", dt.date(2026, 3, 5), "upheld", dt.date(2026, 6, 1)), "行政复议", "结果维持"),
    (ReviewFact("litigation_direct", dt.date(2026, 3, 5), "corrected", dt.date(2026, 9, 1)), "未经复议直接起诉",
     "结果纠正"),
    (ReviewFact("litigation_after_reconsideration", dt.date(2026, 3, 5), "other", None), "复议后起诉", "其他结果"),
    (ReviewFact("reconsideration", dt.date(2026, 3, 5)), "行政复议", "尚未审结"),
    (ReviewFact("litigation_direct", dt.date(2026, 11, 5), "upheld", dt.date(2027, 2, 1)), "未经复议直接起诉",
     "尚未审结"),
])
def test_explanation_names_the_cell_table4_counts(fact, row, column):
    text = explain_review(fact)
    assert f"计入{fact.filed_on.year}年度报告表四「{row}」中的「{column}」和「总计」" in text
    counted = table4([fact], fact.filed_on.year)
    kind = next(k for k in TABLE4_KINDS if counted[k]["total"])
    result = next(r for r in TABLE4_RESULTS if r != "total" and counted[kind][r])
    assert (TABLE4_KIND_LABELS[kind], TABLE4_RESULT_LABELS[result]) == (row, column)


def test_explanation_says_why_a_result_is_still_pending():
    assert "12月31日前审结的，改计入相应结果" in explain_review(ReviewFact("reconsideration", dt.date(2026, 3, 5)))
    late = explain_review(ReviewFact("reconsideration", dt.date(2026, 11, 5), "upheld", dt.date(2027, 1, 10)))
    assert "审结日期在2026年12月31日之后" in late and "以后年度报告不再计入" in late
    assert table4([ReviewFact("reconsideration", dt.date(2026, 11, 5), "upheld", dt.date(2027, 1, 10))],
                  2027)["reconsideration"]["total"] == 0


def test_guide_maps_every_choice_to_its_row_and_column():
    rows, columns = table4_guide(2026)
    assert rows == [("reconsideration", "行政复议"), ("litigation_direct", "未经复议直接起诉"),
                    ("litigation_after_reconsideration", "复议后起诉")]
    assert columns == [("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
                       ("pending", "尚未审结")]
