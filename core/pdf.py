"""PDF rendering (WeasyPrint) for every app: certificates, reports. The CJK fonts come from
the templates' @font-face rules, so each document embeds what it shows."""

from django.template.loader import render_to_string


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """`base_url` resolves the document's relative links (static files, images)."""
    # Imported on the first PDF: WeasyPrint and its font stack take about a second to load,
    # which no other request, command or test should pay.
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url or None).write_pdf()


def template_to_pdf(template: str, context: dict, *, base_url: str | None = None) -> bytes:
    return html_to_pdf(render_to_string(template, context), base_url=base_url)
