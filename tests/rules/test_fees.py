"""信息处理费 (国办函〔2020〕109号 Arts. 3–5; domain facts §3)."""

import datetime as dt

import pytest

from gongkai.rules.fees import (
    Band,
    ChargingMode,
    FeeError,
    item_band,
    items_in_month,
    page_band,
    quote,
    quote_per_item,
    quote_per_page,
)

D = dt.date


def test_the_worked_example_of_domain_facts():
    # §3.2: 35 applications in a month → 10×0 + 20×100 + 5×200 = 3,000 元
    quote = quote_per_item(35)
    assert quote.amount == 3000
    assert [(line.first, line.last, line.unit_yuan, line.amount) for line in quote.lines] == [
        (1, 10, 0, 0), (11, 30, 100, 2000), (31, 35, 200, 1000)]
    assert [line.label for line in quote.lines] == [
        "第1—10件：10件，不收费", "第11—30件：20件×100元/件=2000元", "第31—35件：5件×200元/件=1000元"]
    assert quote.mode is ChargingMode.PER_ITEM
    assert quote.basis.endswith("《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）第四条")
    assert isinstance(quote.amount, int)


@pytest.mark.parametrize(
    ("items", "earlier", "amount"),
    [
        (0, 0, 0),
        (1, 0, 0),
        (10, 0, 0),  # 10 件以下（含10件）不收费
        (11, 0, 100),
        (30, 0, 2000),  # 11—30件（含30件）100元/件
        (31, 0, 2200),  # first band above 30: 200元/件
        (40, 0, 4000),  # 2000 + 10×200
        (41, 0, 4300),  # + 300
        (50, 0, 7000),  # 2000 + 10×200 + 10×300
        (51, 0, 7400),  # + 400
        (1, 10, 100),  # the applicant's 11th item this month
        (1, 30, 200),
        (1, 39, 200),
        (1, 40, 300),
        (5, 8, 300),  # items 9–13: 9, 10 free, 11–13 at 100
        (27, 8, 3000),  # the worked example's 35 items arriving as 8 + 27: same total
    ],
)
def test_per_item_is_progressive_over_the_natural_month(items, earlier, amount):
    assert quote_per_item(items, earlier).amount == amount


def test_splitting_a_month_into_applications_does_not_change_the_total():
    parts = [3, 4, 9, 1, 12, 6]  # 35 items after 一事一申请 splitting, in six applications
    total, earlier = 0, 0
    for n in parts:
        total += quote_per_item(n, earlier).amount
        earlier += n
    assert total == quote_per_item(35).amount == 3000


@pytest.mark.parametrize(
    ("ordinal", "band"),
    [
        (1, Band(1, 10, 0)), (10, Band(1, 10, 0)), (11, Band(11, 30, 100)), (30, Band(11, 30, 100)),
        (31, Band(31, 40, 200)), (40, Band(31, 40, 200)), (41, Band(41, 50, 300)), (95, Band(91, 100, 800)),
    ],
)
def test_item_bands(ordinal, band):
    assert item_band(ordinal) == band


@pytest.mark.parametrize(
    ("pages", "amount"),
    [
        (0, 0),
        (30, 0),  # ≤ 30 pages free
        (31, 10),
        (100, 700),  # 70 × 10
        (101, 720),
        (200, 2700),  # 700 + 100 × 20
        (201, 2740),  # ≥ 201 at 40
        (250, 4700),  # 0 + 700 + 2000 + 50 × 40
    ],
)
def test_per_page_is_progressive_per_application(pages, amount):
    quote = quote_per_page(pages)
    assert quote.amount == amount
    assert quote.mode is ChargingMode.PER_PAGE
    assert sum(line.count for line in quote.lines) == pages


def test_per_page_lines_for_the_notice():
    quote = quote_per_page(250)
    assert [line.label for line in quote.lines] == [
        "第1—30页：30页，不收费", "第31—100页：70页×10元/页=700元", "第101—200页：100页×20元/页=2000元",
        "第201—250页：50页×40元/页=2000元"]
    assert quote.basis.endswith("第五条")
    assert quote_per_page(31).lines[-1].label == "第31页：1页×10元/页=10元"


@pytest.mark.parametrize(("ordinal", "yuan"), [(1, 0), (30, 0), (31, 10), (100, 10), (101, 20), (200, 20), (201, 40),
                                               (5000, 40)])
def test_page_bands(ordinal, yuan):
    assert page_band(ordinal).yuan == yuan


def test_items_are_counted_per_natural_month():
    history = [(D(2026, 1, 5), 8), (D(2026, 1, 31), 4), (D(2026, 2, 1), 6), (D(2025, 1, 20), 30)]
    assert items_in_month(history, D(2026, 1, 31)) == 12
    assert items_in_month(history, D(2026, 2, 14)) == 6  # a new month starts from zero
    assert items_in_month(history, D(2026, 3, 1)) == 0
    # the 13th item of January costs 100 元; the 7th of February is free
    assert quote_per_item(1, items_in_month(history, D(2026, 1, 31))).amount == 100
    assert quote_per_item(1, items_in_month(history, D(2026, 2, 14))).amount == 0


@pytest.mark.parametrize(
    "call",
    [lambda: quote_per_item(-1), lambda: quote_per_item(1, -1), lambda: quote_per_page(-1),
     lambda: item_band(0), lambda: page_band(0)],
)
def test_invalid_input_is_refused_in_chinese(call):
    with pytest.raises(FeeError, match="[件页]数"):
        call()


def test_modes():
    assert [(m.label, m.unit) for m in ChargingMode] == [("按件计收", "件"), ("按量计收", "页")]


def test_quote_picks_one_mode_per_application():
    assert quote(ChargingMode.PER_ITEM, 35) == quote_per_item(35)
    assert quote(ChargingMode.PER_ITEM, 5, 28) == quote_per_item(5, 28)
    assert quote(ChargingMode.PER_ITEM, 5, 28).amount == 2 * 100 + 3 * 200
    assert quote(ChargingMode.PER_PAGE, 120).amount == 70 * 10 + 20 * 20
    with pytest.raises(FeeError, match="不累计"):
        quote(ChargingMode.PER_PAGE, 120, 3)
