"""Uploaded documents are judged by their bytes, never by their name or declared type."""

import io

from django.core.exceptions import ValidationError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def read_pdf_or_image(uploaded, *, max_bytes: int, label: str = "文件") -> tuple[bytes, str]:
    """Return (content, extension) of a PDF, JPEG or PNG upload, or raise in Chinese."""
    name = uploaded.name or "upload"
    if uploaded.size is not None and uploaded.size > max_bytes:
        raise ValidationError(
            f"{label}“{name}”过大（{uploaded.size / 1048576:.1f} MB），上限为 "
            f"{max_bytes / 1048576:.1f} MB"
        )
    content = uploaded.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise ValidationError(f"{label}“{name}”过大，上限为 {max_bytes / 1048576:.1f} MB")
    if not content:
        raise ValidationError(f"{label}“{name}”是空文件")
    if content.startswith(PDF_MAGIC):
        try:
            pages = len(PdfReader(io.BytesIO(content), strict=False).pages)
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
            raise ValidationError(f"{label}“{name}”已损坏，无法作为 PDF 打开") from exc
        if pages < 1:
            raise ValidationError(f"{label}“{name}”没有页面")
        return content, ".pdf"
    if content.startswith(JPEG_MAGIC):
        return content, ".jpg"
    if content.startswith(PNG_MAGIC):
        return content, ".png"
    raise ValidationError(
        f"{label}“{name}”不是 PDF 或图片（JPEG、PNG）：按文件内容判断，与扩展名无关"
    )
