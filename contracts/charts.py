"""Horizontal bar charts as inline SVG: readable without JavaScript and in the PDF report."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from core.charts import svg_chart

BAR = "#1f5f99"


def _display(value, key: str) -> tuple[float, str]:
    if key == "count":
        return float(value), f"{int(value)}"
    wan = Decimal(value) / Decimal(10000)  # amounts are shown in 万元
    return float(wan), f"{wan:,.2f}"


def bar_chart(
    rows: Sequence[Mapping[str, Any]], *, value: str, title: str, width: int = 640
) -> SafeString:
    """One bar per row with its label and value written out (no hover needed). Rows whose value
    is withheld (None: see contracts.selectors.contract_stats_disclosed) get no bar."""
    withheld = any(r[value] is None for r in rows)
    rows = [r for r in rows if r[value] is not None]
    label_w, right, top, bar_h, gap = 170, 90, 32, 18, 8
    height = top + max(len(rows), 1) * (bar_h + gap) + 8
    values = [_display(r[value], value) for r in rows]
    peak = max([v for v, _ in values] + [0]) or 1
    plot_w = width - label_w - right
    parts = []
    if not rows:
        # Contracts exist but each group is too small to show its amount: say so, not "none".
        empty = gettext("金额不公开（每组合同过少）") if withheld else gettext("暂无已登记合同")
        parts.append(f'<text x="0" y="{top + 12}" fill="#555">{empty}</text>')
    for i, (row, (number, text)) in enumerate(zip(rows, values, strict=True)):
        y = top + i * (bar_h + gap)
        w = max(number / peak * plot_w, 1 if number else 0)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{escape(row["label"])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{BAR}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 13}" fill="#222">{escape(text)}</text>'
        )
    return svg_chart(title=title, width=width, height=height, body=parts, title_y=18)
