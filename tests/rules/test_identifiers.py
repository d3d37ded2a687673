import pytest

from gongkai.rules.identifiers import (
    IdentifierError,
    is_valid_uscc,
    make_uscc,
    org_code_check_char,
    uscc_check_char,
    validate_uscc,
)


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the worked example printed in GB 32100-2015 Annex
        "113708280043326001",  # a county-level organ's code seen on a disclosure page (domain facts §7.4)
    ],
)
def test_published_codes_are_valid(code):
    assert validate_uscc(code) == code


def test_lower_case_and_spaces_are_normalised():
    assert validate_uscc(" 91350100m000100y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y44", "校验位"),
        ("91350100M000100Y4", "18位"),
        ("91350100M000100I43", "无效字符"),
        ("", "18位"),
    ],
)
def test_invalid_codes_are_rejected_with_a_reason(code, message):
    with pytest.raises(IdentifierError, match=message):
        validate_uscc(code)
    assert not is_valid_uscc(code)


def test_every_single_character_error_is_caught():
    code = "91350100M000100Y43"
    for i in range(18):
        for ch in "0123456789ABCDEFGHJKLMNPQRTUWXY":
            if ch != code[i]:
                assert not is_valid_uscc(code[:i] + ch + code[i + 1:])


def test_make_uscc_composes_valid_codes():
    # The organisation codes inside the two published credit codes above: M000100Y-4 and 00433260-0.
    assert org_code_check_char("M000100Y") == "4"
    assert org_code_check_char("00433260") == "0"
    code = make_uscc("11", "990101", "01010001")
    assert len(code) == 18 and is_valid_uscc(code)
    assert code[17] == uscc_check_char(code[:17])
