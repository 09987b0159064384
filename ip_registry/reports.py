"""The dashboard's figures as tables, shared by the page, the CSV/XLSX exports and the PDF."""

import io
from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone

from core.exports import csv_bytes, xlsx_append
from ip_registry import charts
from ip_registry.selectors import (
    Coverage,
    coverage_for_year,
    coverage_trend,
    designation_counts,
    gap_list,
    invention_applications_by_year,
    plan_indicators,
    today,
)


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list]


def _pct(value):
    return "" if value is None else value


def dashboard_data(*, year: int, on: date | None = None, as_of: date | None = None) -> dict:
    """`as_of` dates the year's coverage (default: the year's last day); `on` is today."""
    on = on or today()
    trend = coverage_trend()
    current: Coverage = coverage_for_year(year=year, as_of=as_of, group_by="district")
    by_industry = coverage_for_year(year=year, as_of=as_of, group_by="industry")
    inventions = invention_applications_by_year(on=on)
    designations = designation_counts()
    gaps = gap_list(year=year, on=on)
    tables = {
        "coverage": Table(
            "规上科技型企业专利覆盖率（按年度）",
            ["年度", "截至日期", "认定企业数", "有效专利持有企业数", "覆盖率（%）", "目标（%）"],
            [
                [c.year, c.as_of.isoformat(), c.designated, c.holding, _pct(c.rate), _pct(c.target)]
                for c in trend
            ],
        ),
        "district": Table(
            f"{year} 年专利覆盖率（按区县）",
            ["区县/功能区", "认定企业数", "有效专利持有企业数", "覆盖率（%）"],
            [[g.key, g.designated, g.holding, _pct(g.rate)] for g in current.groups],
        ),
        "industry": Table(
            f"{year} 年专利覆盖率（按行业）",
            ["行业", "认定企业数", "有效专利持有企业数", "覆盖率（%）"],
            [[g.key, g.designated, g.holding, _pct(g.rate)] for g in by_industry.groups],
        ),
        "inventions": Table(
            "发明专利申请量（按申请年度）",
            ["年度", "申请量（件）", "目标（件）", "数据状态"],
            [
                [i.year, i.count, _pct(i.target), "暂定（公开滞后）" if i.provisional else "确定"]
                for i in inventions
            ],
        ),
        "designations": Table(
            "认定企业数（按年度）",
            ["认定类型", *[str(y) for y in designations["years"]]],
            [
                [row["name"], *[row["counts"].get(y, 0) for y in designations["years"]]]
                for row in designations["rows"]
            ],
        ),
        "gaps": Table(
            f"{year} 年认定企业专利缺口名单（截至 {on:%Y-%m-%d}）",
            ["序号", "企业名称", "统一社会信用代码", "区县", "行业", "类别", "说明", "关键日期"],
            [
                [
                    i + 1,
                    g.enterprise.name,
                    g.enterprise.uscc,
                    g.enterprise.district.name if g.enterprise.district else "",
                    g.enterprise.industry.name if g.enterprise.industry else "",
                    g.category_label,
                    g.reason,
                    g.due_date.isoformat() if g.due_date else "",
                ]
                for i, g in enumerate(gaps)
            ],
        ),
    }
    trend_chart = charts.line_chart(
        title="规上科技型企业专利覆盖率与目标",
        labels=[str(c.year) for c in trend],
        values=[c.rate for c in trend],
        targets=[c.target for c in trend],
        y_max=100,
    )
    district_chart = charts.bar_chart(
        title=f"{year} 年各区县专利覆盖率",
        labels=[g.key for g in current.groups],
        values=[g.rate for g in current.groups],
        x_max=100,
        target=current.target,
    )
    industry_chart = charts.bar_chart(
        title=f"{year} 年各行业专利覆盖率",
        labels=[g.key for g in by_industry.groups],
        values=[g.rate for g in by_industry.groups],
        x_max=100,
        target=current.target,
    )
    invention_chart = charts.line_chart(
        title="发明专利申请量（件）",
        labels=[str(i.year) for i in inventions],
        values=[float(i.count) for i in inventions],
        targets=[i.target for i in inventions],
        unit="",
    )
    return {
        "year": year,
        "on": on,
        "coverage": current,
        "trend": trend,
        "by_industry": by_industry,
        "inventions": inventions,
        "designations": designations,
        "gaps": gaps,
        "indicators": plan_indicators(year=year),
        "tables": tables,
        "charts": {
            "trend": trend_chart,
            "district": district_chart,
            "industry": industry_chart,
            "inventions": invention_chart,
        },
    }


def table_csv(table: Table) -> bytes:
    # Enterprise names and reasons come from imported files: neutralise formula cells.
    return csv_bytes(table.headers, table.rows)


def table_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.title[:31].replace("/", "-")
    xlsx_append(sheet, table.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        xlsx_append(sheet, row)
    for column in sheet.columns:
        longest = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, 4 + longest * 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def yearly_report_pdf(*, year: int, on: date | None = None, base_url: str = "") -> bytes:
    from weasyprint import HTML

    context = dashboard_data(year=year, on=on)
    context["generated_at"] = timezone.localtime()
    html = render_to_string("ip_registry/report_pdf.html", context)
    return HTML(string=html, base_url=base_url or None).write_pdf()
