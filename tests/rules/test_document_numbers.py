import pytest

from gongkai.rules.document_numbers import (
    DEFAULT_INDEX_PATTERN,
    DocumentNumberError,
    check_index_pattern,
    format_index_number,
    looks_like_doc_number,
    normalize_index_number,
    parse_doc_number,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("青农发〔2026〕12号", "青农发〔2026〕12号"),
        ("青农发[2026]12号", "青农发〔2026〕12号"),
        ("青政办发（2025）3号", "青政办发〔2025〕3号"),
        (" 青政发 (2024) 101号 ", "青政发〔2024〕101号"),
        ("国办公开办函【2021】30号", "国办公开办函〔2021〕30号"),
        ("青农发〔２０２６〕１２号", "青农发〔2026〕12号"),
    ],
)
def test_valid_numbers_are_normalised(text, expected):
    assert str(parse_doc_number(text)) == expected
    assert looks_like_doc_number(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("青农发〔26〕12号", "四位"),
        ("青农发〔2026〕012号", "虚位"),
        ("青农发〔2026〕第12号", "第"),
        ("青农发2026年12号", "格式不正确"),
        ("〔2026〕12号", "格式不正确"),
        ("<script>〔2026〕1号", "格式不正确"),
        ("青农发〔1900〕1号", "不合理"),
    ],
)
def test_invalid_numbers_say_why(text, reason):
    with pytest.raises(DocumentNumberError, match=reason):
        parse_doc_number(text)


def test_index_numbers():
    assert format_index_number(DEFAULT_INDEX_PATTERN, code="113708280043326001", year=2024, serial=2411) == \
        "113708280043326001/2024-02411"
    assert format_index_number("{code}-{area}-{year}-{serial:06d}", code="X1", year=2026, serial=7, area="SNBT") == \
        "X1-SNBT-2026-000007"
    assert normalize_index_number(" 113708280043326001／2024－02411 ") == "113708280043326001/2024-02411"


@pytest.mark.parametrize(("pattern", "reason"), [("{code}/{year}", "serial"), ("{code}/{month}-{serial}", "未知"),
                                                  ("{code/{serial}", "无效")])
def test_bad_index_patterns(pattern, reason):
    with pytest.raises(DocumentNumberError, match=reason):
        check_index_pattern(pattern)
