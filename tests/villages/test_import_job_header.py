"""Header guessing for the admin's mapping form, parsing with a header mapped by hand, the fast
paths of the row checks, and the values the import writes (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gongkai.core.actors import SYSTEM
from gongkai.villages import payout_file
from gongkai.villages.models import Payout
from gongkai.villages.services.subsidies import import_payouts
from tests.villages.conftest import HEADER, csv_bytes, make_id, rows_for

TODAY = dt.date(2026, 1, 10)


def table(rows):
    return list(enumerate(rows, start=1))


def test_guess_finds_the_header_below_a_title():
    guess = payout_file.guess_header(table([["2025年清册"], HEADER, *rows_for(["甲村"], 10)]), preview_rows=3)
    assert guess.header_row == 2 and guess.complete and not guess.missing
    assert guess.columns == {"name": 1, "id_number": 2, "account": 3, "village": 4, "area": 5, "standard": 6,
                             "amount": 7, "paid_on": 8, "phone": 9}
    assert [n for n, _ in guess.rows] == [2, 3, 4, 5]


def test_guess_with_unknown_headers_takes_the_best_row_and_reports_what_is_missing():
    rows = [["说明：本表由系统导出"], ["编号", "农户", "身份证号", "所在村", "应付款"], ["1", "张三", make_id(1), "甲村", "10"]]
    guess = payout_file.guess_header(table(rows))
    assert guess.header_row == 2 and guess.columns == {"id_number": 2, "village": 3}
    assert guess.missing == ["name", "amount"] and not guess.complete
    assert payout_file.guess_header(table([["a", "b"], ["c", "d"]])).header_row == 1  # nothing known: first row
    assert payout_file.guess_header(table([])).header_row is None


def test_guess_reports_a_field_named_by_two_columns():
    guess = payout_file.guess_header(table([["姓名", "身份证号", "村", "补贴金额", "实发金额"]]))
    assert guess.ambiguous == {"amount": [3, 4]} and guess.columns["amount"] == 3 and not guess.complete


def test_parse_with_columns_mapped_by_hand():
    rows = [["编号", "农户", "证件", "村组", "应付款", "日期"],
            ["1", "张三", make_id(1), "甲村", "120.50", "2025-03-15"],
            ["2", "李四", make_id(2), "甲村", "abc", "2025-03-15"]]
    parsed = payout_file.parse_payouts(
        table(rows), year=2025, villages={"甲村": "A"}, today=TODAY, header_row=1,
        columns={"name": 1, "id_number": 2, "village": 3, "amount": 4, "paid_on": 5})
    assert [r.row for r in parsed.rows] == [2] and parsed.rows[0].amount == Decimal("120.50")
    assert parsed.bad_rows == [3] and "不是数字" in parsed.problems[0].message
    with pytest.raises(payout_file.PayoutFileError, match="补贴金额"):
        payout_file.parse_payouts(table(rows), year=2025, villages={"甲村": "A"}, header_row=1,
                                  columns={"name": 1, "id_number": 2, "village": 3})
    with pytest.raises(payout_file.PayoutFileError, match="第 9 行"):
        payout_file.parse_payouts(table(rows), year=2025, villages={"甲村": "A"}, header_row=9,
                                  columns={"name": 1, "id_number": 2, "village": 3, "amount": 4})


def test_progress_is_reported_every_n_rows():
    seen = []
    payout_file.parse_payouts(table([HEADER, *rows_for(["甲村"], 7)]), year=2025, villages={"甲村": "A"},
                              today=TODAY, progress=seen.append, progress_every=3)
    assert seen == [3, 6]


@pytest.mark.parametrize(("cell", "places", "expected"), [
    ("120.5", 2, Decimal("120.5")), ("0120.50", 2, Decimal("120.50")), ("１２０.５", 2, Decimal("120.5")),
    ("¥1,234.50", 2, Decimal("1234.50")), (" 12 ", 2, Decimal("12")), ("3.2500", 4, Decimal("3.2500")),
    (12.5, 2, Decimal("12.5")), ("", 2, None), (None, 2, None)])
def test_money_fast_and_slow_paths_agree(cell, places, expected):
    assert payout_file.parse_money(cell, "金额", places) == expected


@pytest.mark.parametrize("cell", ["1.234", "-1", "abc", "12.34567"])
def test_money_refusals(cell):
    with pytest.raises(ValueError):
        payout_file.parse_money(cell, "金额", 2 if cell != "12.34567" else 4)


def test_repeated_bad_dates_are_each_reported():
    rows = rows_for(["甲村"], 3)
    for r in rows:
        r[8] = "2025-02-30"
    parsed = payout_file.parse_payouts(table([HEADER, *rows]), year=2025, villages={"甲村": "A"}, today=TODAY)
    assert parsed.bad_rows == [2, 3, 4] and all("不是真实的日期" in p.message for p in parsed.problems)


def test_written_values_round_trip(county, villages, programme):
    rows = rows_for(["甲村", "甲二村"], per_village=3)
    rows[0][8] = ""  # no payment date
    import_payouts(SYSTEM, data=csv_bytes(rows), filename="f.csv", programme=programme, year=2025,
                   township=county.township_a, today=TODAY)
    stored = {p.row_number: p for p in Payout.objects.select_related("village")}
    assert sorted(stored) == list(range(3, 9))
    for number, r in zip(range(3, 9), rows, strict=True):
        p = stored[number]
        assert (p.name, p.village.name, p.area, p.standard, p.amount) == (
            r[1], r[4], Decimal(r[5]), Decimal(r[6]), Decimal(r[7]))
        assert p.paid_on == (None if not r[8] else dt.date(2025, 3, 15)) and p.is_void is False
        assert p.programme_id == programme.pk and p.year == 2025


def test_a_duplicate_written_concurrently_is_refused_cleanly(county, villages, programme, monkeypatch):
    """Another import may write the same person between the duplicate check and the INSERT: the
    database's unique constraint refuses the file (a Chinese message, nothing written)."""
    from gongkai.core.services import ServiceError
    from gongkai.villages.models import PayoutBatch

    rows = rows_for(["甲村"], per_village=2)
    import_payouts(SYSTEM, data=csv_bytes(rows), filename="a.csv", programme=programme, year=2025,
                   township=county.township_a, today=TODAY)
    monkeypatch.setattr(Payout.objects, "filter", lambda *a, **k: Payout.objects.none())  # hide the check
    with pytest.raises(ServiceError, match="已有发放记录"):
        import_payouts(SYSTEM, data=csv_bytes(rows), filename="b.csv", programme=programme, year=2025,
                       township=county.township_a, today=TODAY)
    monkeypatch.undo()
    assert PayoutBatch.objects.count() == 1 and Payout.objects.count() == 2
