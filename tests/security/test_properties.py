"""Hypothesis properties: identifier normalisers and validators, and the registry import parsers.

Random text, random bytes, wrong encodings and huge cells must end in a value or in the
documented Chinese error (ValidationError, RowInvalid, ImportFileError), never in a crash.
"""

import csv
import io
import re
import string
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.identifiers import (
    PATENT_TYPES,
    make_patent_number,
    make_uscc,
    normalize_patent_number,
    normalize_uscc,
    validate_uscc,
)
from ip_registry.imports import (
    IMPORTERS,
    ImportFileError,
    RowInvalid,
    parse_date,
    parse_ipc,
    read_table,
    registry_import,
)

CANONICAL_PATENT = re.compile(r"^(?:\d{12}|\d{8})\.[\dX]$", re.ASCII)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FAST = settings(max_examples=200, deadline=None)
DB = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Identifiers ------------------------------------------------------------------------------


@FAST
@given(st.text(max_size=60))
@example("２０１７１０６０１８６２．３")
@example("٢٠١٧١٠٦٠١٨٦٢.٣")  # Arabic-Indic digits are digits to Python, not to the registry
@example("20171٠٦٠١٨٦٢.3")
def test_patent_number_normaliser_returns_the_canonical_form_or_a_chinese_error(text):
    try:
        number = normalize_patent_number(text)
    except ValidationError as exc:
        assert exc.code == "invalid_patent_number"
        assert "专利申请号" in exc.messages[0]
        return
    assert CANONICAL_PATENT.match(number), number
    assert normalize_patent_number(number) == number


@st.composite
def messy_patent_numbers(draw):
    year = draw(st.integers(2004, 2030))
    kind = draw(st.sampled_from(sorted(PATENT_TYPES)))
    number = make_patent_number(year, kind, draw(st.integers(0, 9_999_999)))
    digits, check = number.split(".")
    text = draw(st.sampled_from([number, digits + check, f"ZL{number}", f"CN {digits}.{check}"]))
    if draw(st.booleans()):
        text = text.translate({ord(c): ord(c) + 0xFEE0 for c in string.digits + ".ZLCNX"})
    if draw(st.booleans()):
        text = f"  {text} "
    return number, text


@FAST
@given(messy_patent_numbers())
def test_messy_but_valid_patent_numbers_normalise_to_the_same_number(pair):
    number, text = pair
    assert normalize_patent_number(text) == number


@FAST
@given(st.text(max_size=40))
def test_uscc_normaliser_never_fails_and_is_idempotent(text):
    normalised = normalize_uscc(text)
    # Upper-casing can leave non-ASCII text un-normalised (U+0304 combining marks); such
    # text is never a valid code, so idempotence matters for ASCII only.
    if normalised.isascii():
        assert normalize_uscc(normalised) == normalised


@FAST
@given(st.text(max_size=40))
@example("９１２１１１００ＭＢ０００００１Ｘ")
def test_uscc_validator_returns_18_ascii_characters_or_a_chinese_error(text):
    try:
        number = validate_uscc(text)
    except ValidationError as exc:
        assert exc.code == "invalid_uscc"
        assert "统一社会信用代码" in exc.messages[0]
        return
    assert re.fullmatch(r"[0-9A-HJ-NP-RTUWXY]{18}", number, re.ASCII), number
    assert validate_uscc(number) == number


@FAST
@given(
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8),
    st.booleans(),
)
def test_generated_usccs_validate_in_any_case_width_and_spacing(prefix, body, fold):
    uscc = make_uscc(prefix, body)
    text = uscc.lower() if fold else " ".join([uscc[:6], uscc[6:12], uscc[12:]])
    assert validate_uscc(text) == uscc


# Import value parsers ---------------------------------------------------------------------


@FAST
@given(st.one_of(st.text(max_size=30), st.dates().map(str)))
def test_date_parser_returns_a_date_or_a_row_error(text):
    try:
        parsed = parse_date(text, "申请日")
    except RowInvalid as exc:
        assert "申请日" in exc.messages[0]
        return
    assert parsed is None or isinstance(parsed, date)


@FAST
@given(st.text(max_size=60))
@example("A61K31/495(2006.01);C10G 1/00")
def test_ipc_parser_returns_symbols_or_a_row_error(text):
    try:
        symbols = parse_ipc(text)
    except RowInvalid as exc:
        assert "IPC" in exc.messages[0]
        return
    for symbol, section, *_ in symbols:
        assert symbol.startswith(section)


# Whole files ------------------------------------------------------------------------------

HEADERS = {
    "enterprises": ["统一社会信用代码", "企业名称", "所属区县", "行业"],
    "designations": ["统一社会信用代码", "年度", "认定类型"],
    "patents": ["申请号", "名称", "申请日", "专利权人", "IPC分类号"],
}
HUGE = 200_000  # past the csv module's default 128 KiB field limit


def _csv(header, rows, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue().encode(encoding, errors="replace")


def _xlsx(header, rows) -> bytes:
    workbook = Workbook()
    for row in [header, *rows]:
        # Excel cannot hold control characters; a real workbook never contains them.
        workbook.active.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _import(kind, data, filename):
    try:
        report = registry_import(kind=kind, data=data, filename=filename, dry_run=True)
    except ImportFileError as exc:
        assert str(exc)
        return None
    assert report.total >= report.rejected >= 0
    assert not report.committed
    return report


@pytest.mark.django_db
@DB
@given(
    kind=st.sampled_from(sorted(IMPORTERS)),
    data=st.binary(max_size=300),
    filename=st.sampled_from(["upload.csv", "upload.xlsx", "upload.xls", "upload.txt"]),
)
def test_random_bytes_are_rejected_as_a_file_error_not_a_crash(kind, data, filename):
    _import(kind, data, filename)


cells = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@pytest.mark.django_db
@DB
@given(
    kind=st.sampled_from(sorted(IMPORTERS)),
    rows=st.lists(st.lists(cells, max_size=6), min_size=1, max_size=4),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "big5", "latin-1"]),
    fmt=st.sampled_from(["csv", "xlsx"]),
)
def test_random_rows_in_any_encoding_end_in_a_report_or_a_file_error(kind, rows, encoding, fmt):
    header = HEADERS[kind]
    data = _csv(header, rows, encoding) if fmt == "csv" else _xlsx(header, rows)
    _import(kind, data, f"upload.{fmt}")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(IMPORTERS))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_huge_cells_are_reported_not_crashed_on(kind, fmt):
    header = HEADERS[kind]
    rows = [["9" * HUGE] + ["长" * 5000] * (len(header) - 1)]
    data = _csv(header, rows) if fmt == "csv" else _xlsx(header, rows)
    report = _import(kind, data, f"upload.{fmt}")
    assert report is None or report.rejected == 1


def test_read_table_rejects_undecodable_bytes_with_a_chinese_message():
    with pytest.raises(ImportFileError, match="编码"):
        _header, rows, _ = read_table(b"\xff\xfe\x00\xd8\x81\x30" * 10, "x.csv")
        list(rows)
