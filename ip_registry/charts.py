"""Server-rendered SVG charts: readable without JavaScript, embeddable in the PDF report."""

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.charts import svg_chart

BRAND = "#1f5f99"
TARGET = "#c0392b"


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def line_chart(
    *,
    title: str,
    labels: list[str],
    values: list[float | None],
    targets: list[float | None] | None = None,
    unit: str = "%",
    width: int = 640,
    height: int = 280,
    y_max: float | None = None,
) -> SafeString:
    """Actual values as a line with points, targets as red markers; every value is labelled."""
    left, right, top, bottom = 48, 16, 36, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    known = [v for v in values + (targets or []) if v is not None]
    y_top = y_max or max([*known, 1]) * 1.15
    n = max(len(labels), 1)

    def x(i):
        return left + (i + 0.5) * plot_w / n

    def y(v):
        return top + plot_h - v / y_top * plot_h

    parts = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        'stroke="#888"/>',
    ]
    for step in range(5):
        v = y_top * step / 4
        parts.append(
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{width - right}" y2="{y(v):.1f}" '
            'stroke="#eee"/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="#555">'
            f"{_fmt(v)}{escape(unit)}</text>"
        )
    points = [(x(i), y(v), v) for i, v in enumerate(values) if v is not None]
    if len(points) > 1:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{BRAND}" stroke-width="2"/>')
    for px, py, v in points:
        parts.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{BRAND}"/>'
            f'<text x="{px:.1f}" y="{py - 8:.1f}" text-anchor="middle" fill="{BRAND}">'
            f"{_fmt(v)}{escape(unit)}</text>"
        )
    for i, t in enumerate(targets or []):
        if t is None:
            continue
        parts.append(
            f'<line x1="{x(i) - 14:.1f}" y1="{y(t):.1f}" x2="{x(i) + 14:.1f}" y2="{y(t):.1f}" '
            f'stroke="{TARGET}" stroke-width="3"/>'
            f'<text x="{x(i) + 16:.1f}" y="{y(t) + 4:.1f}" fill="{TARGET}">'
            + escape(_("目标 %(value)s") % {"value": _fmt(t)})
            + f"{escape(unit)}</text>"
        )
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - bottom + 18}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    return svg_chart(title=title, width=width, height=height, body=parts, title_x=left)


def bar_chart(
    *,
    title: str,
    labels: list[str],
    values: list[float | None],
    unit: str = "%",
    width: int = 640,
    bar_height: int = 22,
    x_max: float | None = None,
    target: float | None = None,
) -> SafeString:
    """Horizontal bars (long Chinese labels fit on the left), value printed at each bar's end."""
    left, right, top = 150, 70, 36
    height = top + bar_height * len(labels) + 16
    plot_w = width - left - right
    known = [v for v in values if v is not None]
    top_value = x_max or max([*known, target or 0, 1])

    def w(v):
        return v / top_value * plot_w

    parts = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * bar_height
        parts.append(
            f'<text x="{left - 6}" y="{y + bar_height * 0.65:.1f}" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        if value is not None:
            parts.append(
                f'<rect x="{left}" y="{y + 3}" width="{w(value):.1f}" height="{bar_height - 6}" '
                f'fill="{BRAND}"/>'
                f'<text x="{left + w(value) + 4:.1f}" y="{y + bar_height * 0.65:.1f}">'
                f"{_fmt(value)}{escape(unit)}</text>"
            )
    if target is not None:
        tx = left + w(target)
        parts.append(
            f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{height - 16}" '
            f'stroke="{TARGET}" stroke-dasharray="4 3" stroke-width="2"/>'
            f'<text x="{tx:.1f}" y="{height - 2}" text-anchor="middle" fill="{TARGET}">'
            + escape(_("目标 %(value)s") % {"value": _fmt(target)})
            + f"{escape(unit)}</text>"
        )
    return svg_chart(title=title, width=width, height=height, body=parts)


def coverage_trend_chart(trend: list) -> SafeString:
    """The coverage rate of each year against its target (selectors.coverage_trend)."""
    return line_chart(
        title=_("规上科技型企业专利覆盖率与目标"),
        labels=[str(c.year) for c in trend],
        values=[c.rate for c in trend],
        targets=[c.target for c in trend],
        y_max=100,
    )


def coverage_groups_chart(*, title: str, groups: list, target: float | None) -> SafeString:
    """The coverage rate of each group (district, industry) against the year's target."""
    return bar_chart(
        title=title,
        labels=[g.key for g in groups],
        values=[g.rate for g in groups],
        x_max=100,
        target=target,
    )
