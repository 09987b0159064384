"""The frame every server-rendered SVG chart shares: accessible title, CJK font, scaling."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = "Noto Sans CJK SC, sans-serif"


def svg_chart(
    *, title: str, width: int, height: int, body: list[str], title_x: int = 0, title_y: int = 20
) -> SafeString:
    """Wrap already-escaped SVG fragments in the chart frame (title, font, responsive size)."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" style="max-width:100%;height:auto" '
        f'role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT}" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text x="{title_x}" y="{title_y}" font-size="14" font-weight="bold">'
        f"{escape(title)}</text>",
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - callers escape every interpolated text
