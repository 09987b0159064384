"""The dashboard's figures as tables, shared by the page, the CSV/XLSX exports and the PDF."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import spreadsheet_response
from core.pdf import template_to_pdf
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
            _("规上科技型企业专利覆盖率（按年度）"),
            [
                _("年度"),
                _("截至日期"),
                _("认定企业数"),
                _("有效专利持有企业数"),
                _("覆盖率（%）"),
                _("目标（%）"),
            ],
            [
                [c.year, c.as_of.isoformat(), c.designated, c.holding, _pct(c.rate), _pct(c.target)]
                for c in trend
            ],
        ),
        "district": Table(
            _("%(year)s 年专利覆盖率（按区县）") % {"year": year},
            [_("区县/功能区"), _("认定企业数"), _("有效专利持有企业数"), _("覆盖率（%）")],
            [[g.key, g.designated, g.holding, _pct(g.rate)] for g in current.groups],
        ),
        "industry": Table(
            _("%(year)s 年专利覆盖率（按行业）") % {"year": year},
            [_("行业"), _("认定企业数"), _("有效专利持有企业数"), _("覆盖率（%）")],
            [[g.key, g.designated, g.holding, _pct(g.rate)] for g in by_industry.groups],
        ),
        "inventions": Table(
            _("发明专利申请量（按申请年度）"),
            [_("年度"), _("申请量（件）"), _("目标（件）"), _("数据状态")],
            [
                [
                    i.year,
                    i.count,
                    _pct(i.target),
                    _("暂定（公开滞后）") if i.provisional else _("确定"),
                ]
                for i in inventions
            ],
        ),
        "designations": Table(
            _("认定企业数（按年度）"),
            [_("认定类型"), *[str(y) for y in designations["years"]]],
            [
                [row["name"], *[row["counts"].get(y, 0) for y in designations["years"]]]
                for row in designations["rows"]
            ],
        ),
        "gaps": Table(
            _("%(year)s 年认定企业专利缺口名单（截至 %(on)s）")
            % {"year": year, "on": f"{on:%Y-%m-%d}"},
            [
                _("序号"),
                _("企业名称"),
                _("统一社会信用代码"),
                _("区县"),
                _("行业"),
                _("类别"),
                _("说明"),
                _("关键日期"),
            ],
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
    trend_chart = charts.coverage_trend_chart(trend)
    district_chart = charts.coverage_groups_chart(
        title=_("%(year)s 年各区县专利覆盖率") % {"year": year},
        groups=current.groups,
        target=current.target,
    )
    industry_chart = charts.coverage_groups_chart(
        title=_("%(year)s 年各行业专利覆盖率") % {"year": year},
        groups=by_industry.groups,
        target=current.target,
    )
    invention_chart = charts.line_chart(
        title=_("发明专利申请量（件）"),
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


def table_response(table: Table, *, fmt: str, filename: str):
    # Enterprise names and reasons come from imported files: the kit neutralises formula cells.
    return spreadsheet_response(
        table.headers,
        table.rows,
        fmt=fmt,
        filename=filename,
        sheet_title=table.title,
        fit_columns=True,
    )


def yearly_report_pdf(*, year: int, on: date | None = None, base_url: str = "") -> bytes:
    context = dashboard_data(year=year, on=on)
    context["generated_at"] = timezone.localtime()
    return template_to_pdf("ip_registry/report_pdf.html", context, base_url=base_url)
