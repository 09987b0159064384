"""The quarterly progress bulletin: the plan's indicators for the quarter's year as of the
quarter's end, district scoreboard, reporting discipline and charts, rendered with WeasyPrint
(CJK fonts, as the registry's yearly report and the contract certificates)."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.pdf import html_to_pdf
from ip_registry import charts
from plan.selectors import (
    STATUS_LABELS,
    district_scoreboard,
    indicator_rows,
    indicator_trend,
    indicators_all,
    quarter_end,
    reports_overdue,
    status_counts,
    today,
)

# Indicators whose trend the bulletin draws (editable by changing this list).
TREND_CODES = ("patent_coverage", "high_tech", "rd_institution_share", "rd_gdp")


@dataclass
class Period:
    year: int
    quarter: int
    as_of: date

    @property
    def label(self) -> str:
        return _("%(year)s 年第 %(quarter)s 季度") % {"year": self.year, "quarter": self.quarter}


def bulletin_context(*, year: int, quarter: int, on: date | None = None) -> dict:
    as_of = min(quarter_end(year, quarter), on or today())
    rows = indicator_rows(year=year, on=as_of)
    counts = status_counts(rows)
    board = district_scoreboard(year=year, on=as_of)
    overdue = reports_overdue(on=as_of, years=[year - 1, year] if quarter < 4 else [year - 1])
    status_chart = charts.bar_chart(
        title=_("%(year)s 年指标状态（截至 %(as_of)s）")
        % {"year": year, "as_of": format(as_of, "%Y-%m-%d")},
        labels=[str(STATUS_LABELS[s]) for s in counts],
        values=[float(n) for n in counts.values()],
        unit=_("项"),
        x_max=max(max(counts.values(), default=1), 1),
    )
    board_chart = charts.bar_chart(
        title=_("%(year)s 年区县考核得分") % {"year": year},
        labels=[b.district.name for b in board],
        values=[b.score for b in board],
        unit=_("分"),
        x_max=100,
    )
    trend_charts = []
    indicators = {i.code: i for i in indicators_all().filter(code__in=TREND_CODES)}
    for code in TREND_CODES:
        indicator = indicators.get(code)
        if indicator is None:
            continue
        points = [p for p in indicator_trend(indicator=indicator, on=as_of) if p.year <= year]
        trend_charts.append(
            charts.line_chart(
                title=f"{indicator.name}（{indicator.unit}）",
                labels=[str(p.year) for p in points],
                values=[
                    float(p.actual.value) if p.actual.value is not None else None for p in points
                ],
                targets=[float(p.target.value) if p.target else None for p in points],
                unit="%" if indicator.unit == "%" else "",
            )
        )
    return {
        "period": Period(year, quarter, as_of),
        "rows": rows,
        "counts": counts,
        "status_labels": STATUS_LABELS,
        "board": board,
        "overdue": overdue,
        "charts": {"status": status_chart, "board": board_chart, "trends": trend_charts},
        "generated_at": timezone.localtime(),
    }


def bulletin_pdf(*, year: int, quarter: int, base_url: str = "") -> tuple[bytes, dict]:
    # The bulletin is the office's official publication: always in Chinese, whoever generates it.
    with translation.override(settings.LANGUAGE_CODE):
        context = bulletin_context(year=year, quarter=quarter)
        html = render_to_string("plan/bulletin_pdf.html", context)
    summary = {
        "as_of": context["period"].as_of.isoformat(),
        "counts": context["counts"],
        "overdue": len(context["overdue"]),
    }
    return html_to_pdf(html, base_url=base_url or None), summary
