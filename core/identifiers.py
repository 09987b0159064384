"""Identifiers the whole platform validates: USCC (GB 32100-2015) and CN patent application numbers.

Every validator raises django ValidationError with a Chinese message naming the value.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumValidationError

ORG_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organization_code_check_character(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body.

    python-stdnum checks the USCC's own check character but not the organisation code
    embedded at positions 9–17, so this one rule is written here.
    """
    total = sum(ORG_CODE_ALPHABET.index(c) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def normalize_uscc(value: str) -> str:
    """Fold width and case, drop spaces and dashes; no validation."""
    return stdnum_uscc.compact(unicodedata.normalize("NFKC", value or "")).upper()


USCC_LABEL = gettext_lazy("统一社会信用代码")


def validate_uscc(value: str, *, field_label: str | Promise = USCC_LABEL) -> str:
    """Return the normalised USCC or raise ValidationError in Chinese."""
    number = normalize_uscc(value)
    try:
        stdnum_uscc.validate(number)
    except StdnumValidationError as exc:
        reason = {
            "InvalidLength": _("应为 18 位"),
            "InvalidFormat": _("含有不允许的字符（不使用 I、O、S、V、Z）"),
            "InvalidChecksum": _("校验位不正确"),
        }.get(type(exc).__name__, _("格式不正确"))
        raise ValidationError(
            _("%(field)s“%(value)s”无效：%(reason)s")
            % {"field": field_label, "value": value, "reason": reason},
            code="invalid_uscc",
        ) from exc
    org_code = number[8:17]
    if organization_code_check_character(org_code[:8]) != org_code[8]:
        raise ValidationError(
            _("%(field)s“%(value)s”无效：内含的组织机构代码 %(code)s 校验位不正确")
            % {"field": field_label, "value": value, "code": f"{org_code[:8]}-{org_code[8]}"},
            code="invalid_uscc",
        )
    return number


def make_uscc(prefix8: str, org_body8: str) -> str:
    """Build a valid USCC from its first 8 characters and an organisation-code body (demo data)."""
    body = prefix8 + org_body8 + organization_code_check_character(org_body8)
    return body + stdnum_uscc.calc_check_digit(body)


# Patent application numbers ---------------------------------------------------------------

PATENT_TYPES = {
    "1": "invention",
    "2": "utility_model",
    "3": "design",
    "8": "pct_invention",
    "9": "pct_utility_model",
}
_PATENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9)


def patent_check_character(digits: str) -> str:
    """Mod-11 check: weights 2..9 repeating, remainder is the check, 10 written X."""
    total = sum(int(d) * _PATENT_WEIGHTS[i % 8] for i, d in enumerate(digits))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def _patent_parts(value: str) -> tuple[str, str | None]:
    """Split messy input into (digits, check character or None); trailing junk is dropped."""
    text = unicodedata.normalize("NFKC", value or "").upper().strip()
    text = re.sub(r"^(ZL|CN)\s*", "", text)
    match = re.match(r"^([\d\s.\-]*\d)\s*(?:\.\s*)?(X)?", text)
    if not match:
        return "", None
    digits = re.sub(r"\D", "", match.group(1))
    if match.group(2):
        return digits, "X"
    if "." in match.group(1):
        # An explicit dot separates the number from its check character.
        number, _, check = match.group(1).rpartition(".")
        check = check.strip()
        return re.sub(r"\D", "", number), check if len(check) == 1 else None
    # "201710601862.3" and "2017106018623" both end with the check digit.
    if len(digits) in (9, 13):
        return digits[:-1], digits[-1]
    return digits, None


PATENT_NUMBER_LABEL = gettext_lazy("专利申请号")


def normalize_patent_number(value: str, *, field_label: str | Promise = PATENT_NUMBER_LABEL) -> str:
    """Normalise a messy CN application number to `YYYYTNNNNNNN.C` / `YYTNNNNN.C` and validate it.

    Accepts ZL/CN prefixes, spaces, a missing dot, full-width characters and trailing junk such
    as a kind code in brackets. Raises ValidationError in Chinese.
    """
    raw = value
    digits, check = _patent_parts(value)
    # isascii: Python's \d also matches Arabic-Indic and other scripts' digits.
    if len(digits) not in (8, 12) or not (digits.isascii() and digits.isdigit()):
        raise ValidationError(
            _(
                "%(field)s“%(value)s”格式不正确：应为 12 位（2003 年 10 月起）或 8 位数字加校验位，"
                "如 201710601862.3"
            )
            % {"field": field_label, "value": raw},
            code="invalid_patent_number",
        )
    if check is None:
        raise ValidationError(
            _("%(field)s“%(value)s”缺少校验位") % {"field": field_label, "value": raw},
            code="invalid_patent_number",
        )
    type_digit = digits[4] if len(digits) == 12 else digits[2]
    if type_digit not in PATENT_TYPES:
        raise ValidationError(
            _("%(field)s“%(value)s”的专利类型位“%(digit)s”无效（应为 1、2、3、8 或 9）")
            % {"field": field_label, "value": raw, "digit": type_digit},
            code="invalid_patent_number",
        )
    expected = patent_check_character(digits)
    if check != expected:
        raise ValidationError(
            _("%(field)s“%(value)s”校验位不正确（应为 %(expected)s）")
            % {"field": field_label, "value": raw, "expected": expected},
            code="invalid_patent_number",
        )
    return f"{digits}.{check}"


def patent_type_code(number: str) -> str:
    """Type digit of a normalised application number."""
    digits = number.split(".")[0]
    return digits[4] if len(digits) == 12 else digits[2]


def make_patent_number(year: int, type_digit: str, serial: int) -> str:
    """A valid post-2003 application number (demo data and tests)."""
    digits = f"{year:04d}{type_digit}{serial:07d}"
    return f"{digits}.{patent_check_character(digits)}"
