import pytest
from django.core.exceptions import ValidationError

from core.identifiers import (
    make_patent_number,
    make_uscc,
    normalize_patent_number,
    patent_check_character,
    patent_type_code,
    validate_uscc,
)

# Real numbers from DOMAIN.md, both formats, including X check characters.
REAL_PATENT_NUMBERS = [
    "201710601862.3",
    "201310699744.2",
    "200820009767.0",
    "200820132792.8",
    "201110047567.0",
    "201080063196.9",
    "200510113767.6",
    "200310100002.X",
    "00814037.5",
    "01800565.9",
    "97101765.4",
    "90101673.X",
]
REAL_USCCS = [
    "91310115591693856A",
    "91110108551385082Q",
    "91110000600037341L",
    "91440300MA5H0HLK5U",
]


@pytest.mark.parametrize("number", REAL_PATENT_NUMBERS)
def test_real_patent_numbers_validate(number):
    assert normalize_patent_number(number) == number


@pytest.mark.parametrize("number", REAL_PATENT_NUMBERS)
def test_any_single_digit_corruption_is_caught(number):
    digits, check = number.split(".")
    for position in range(len(digits)):
        corrupted_digit = str((int(digits[position]) + 1) % 10)
        corrupted = digits[:position] + corrupted_digit + digits[position + 1 :]
        if patent_check_character(corrupted) == check:
            continue  # mod 11 cannot catch every substitution; none of these should pass silently
        with pytest.raises(ValidationError):
            normalize_patent_number(f"{corrupted}.{check}")


@pytest.mark.parametrize(
    ("messy", "expected"),
    [
        ("ZL201710601862.3", "201710601862.3"),
        ("ZL 2017 1 0601862.3", "201710601862.3"),
        ("CN2017106018623", "201710601862.3"),
        ("２０１７１０６０１８６２．３", "201710601862.3"),
        ("zl200310100002.x", "200310100002.X"),
        ("201710601862.3 (发明)", "201710601862.3"),
        ("  97101765.4  ", "97101765.4"),
        ("CN 00814037 5", "00814037.5"),
    ],
)
def test_messy_input_is_normalised(messy, expected):
    assert normalize_patent_number(messy) == expected


@pytest.mark.parametrize(
    ("bad", "message_part"),
    [
        ("201710601862.4", "校验位不正确"),
        ("201710601862", "缺少校验位"),
        ("20171060186.3", "格式不正确"),
        ("201740601862.3", "专利类型位"),
        ("", "格式不正确"),
        ("专利", "格式不正确"),
    ],
)
def test_bad_patent_numbers_name_the_value(bad, message_part):
    with pytest.raises(ValidationError) as exc:
        normalize_patent_number(bad, field_label="关联专利")
    message = exc.value.messages[0]
    assert message_part in message
    assert "关联专利" in message
    assert f"“{bad}”" in message


def test_type_comes_from_the_number():
    assert patent_type_code("201710601862.3") == "1"
    assert patent_type_code("200820009767.0") == "2"
    assert patent_type_code("97101765.4") == "1"
    generated = make_patent_number(2019, "3", 123)
    assert normalize_patent_number(generated) == generated
    assert patent_type_code(generated) == "3"


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_usccs_validate(code):
    assert validate_uscc(code) == code
    assert validate_uscc(code.lower()) == code


def test_uscc_full_width_and_spaces():
    assert validate_uscc("９１３１０１１５ ５９１６９３８５６Ａ") == "91310115591693856A"


@pytest.mark.parametrize(
    ("bad", "message_part"),
    [
        ("91310115591693856B", "校验位不正确"),
        ("9131011559169385", "18 位"),
        ("91310115591693I56A", "不允许的字符"),
    ],
)
def test_bad_usccs(bad, message_part):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(bad)
    assert message_part in exc.value.messages[0]
    assert bad in exc.value.messages[0]


def test_uscc_with_valid_outer_check_but_broken_organisation_code():
    from stdnum.cn.uscc import calc_check_digit

    # Organisation code 59169385-6 is valid; -7 is not. Recompute the outer check so only
    # the embedded GB 11714 check is wrong.
    body = "91310115591693857"
    code = body + calc_check_digit(body)
    with pytest.raises(ValidationError) as exc:
        validate_uscc(code)
    assert "组织机构代码" in exc.value.messages[0]


def test_make_uscc_is_valid():
    assert validate_uscc(make_uscc("91211100", "MA0ABCDE"))
