"""Uploaded files checked by their content, by parsers that run within limits.

Every parser of user files (pypdf, openpyxl, Pillow) is reached through here, so a hostile file
costs bounded memory and time and fails as one Chinese ValidationError (a 400 on the API, a
form error on the page), never a traceback: a PDF whose page tree has 200,000 entries, an XLSX
whose 200 KB expand to a 200 MB shared string, a PNG declaring 50,000 × 50,000 pixels.
"""

import hashlib
import io
import uuid
import warnings
import zipfile
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

# A spreadsheet may expand to this much XML in total, and no single part past the second limit
# (openpyxl reads the shared strings whole, even in read-only mode).
XLSX_MAX_EXPANDED_BYTES = 80 * 1024 * 1024
XLSX_MAX_PART_BYTES = 40 * 1024 * 1024
# Decoding an image needs about 4 bytes a pixel: 40 megapixels is a large scan, not a bomb.
IMAGE_MAX_PIXELS = 40_000_000
PDF_MAX_PAGES = 2000

ModelT = TypeVar("ModelT", bound=Model)

IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}

# What the parsers raise on a damaged or hostile file besides their own limits: each is
# answered as "not a readable PDF/image", never a traceback.
PDF_READ_ERRORS = (
    PyPdfError,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    OSError,
    RecursionError,
    AssertionError,
)
IMAGE_READ_ERRORS = (
    UnidentifiedImageError,
    Image.DecompressionBombWarning,
    Image.DecompressionBombError,
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
)


def pdf_check(content: bytes, *, name: str) -> int:
    """Page count of a readable PDF; ValidationError for anything else."""
    if not content.startswith(b"%PDF-"):
        raise ValidationError(_("文件“%(name)s”不是 PDF 文件（按文件内容判断）") % {"name": name})
    try:
        # pypdf bounds its own work (page-tree depth and size, decompressed stream length) and
        # raises LimitReachedError, a PyPdfError, when a file goes past them.
        pages = len(PdfReader(io.BytesIO(content), strict=False).pages)
    except PDF_READ_ERRORS as exc:
        raise ValidationError(
            _("文件“%(name)s”已损坏或结构异常，无法作为 PDF 打开") % {"name": name}
        ) from exc
    if pages < 1:
        raise ValidationError(_("文件“%(name)s”没有页面") % {"name": name})
    if pages > PDF_MAX_PAGES:
        raise ValidationError(
            _("文件“%(name)s”页数过多（%(pages)s 页，上限 %(limit)s 页）")
            % {"name": name, "pages": pages, "limit": PDF_MAX_PAGES}
        )
    return pages


def image_check(content: bytes, *, name: str) -> str:
    """The file extension for an image Pillow can fully decode within IMAGE_MAX_PIXELS."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if image.format not in IMAGE_FORMATS:
                    raise ValidationError(
                        _("文件“%(name)s”的图片格式不支持：只接受 JPEG、PNG、GIF 或 WebP")
                        % {"name": name}
                    )
                width, height = image.size
                if width * height > IMAGE_MAX_PIXELS:
                    raise ValidationError(
                        _("图片“%(name)s”尺寸过大（%(w)s × %(h)s 像素）")
                        % {"name": name, "w": width, "h": height}
                    )
                extension = IMAGE_FORMATS[image.format]
            # WeasyPrint sets Pillow's global LOAD_TRUNCATED_IMAGES on import, so load() alone
            # would accept a cut-off body once a PDF was rendered: verify() checks the chunks
            # and their checksums first, then load() decodes every pixel.
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
            with Image.open(io.BytesIO(content)) as image:
                image.load()
            return extension
    except ValidationError:
        raise
    except IMAGE_READ_ERRORS as exc:
        raise ValidationError(
            _("文件“%(name)s”不是可读取的图片（按文件内容判断）") % {"name": name}
        ) from exc


def zip_check(content: bytes, *, name: str) -> zipfile.ZipFile:
    """An Office/ZIP container whose members expand within the XLSX limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise ValidationError(
            _("文件“%(name)s”无法读取：已损坏，不是有效的 XLSX、Office 或 ZIP 文件")
            % {"name": name}
        ) from exc
    total = sum(member.file_size for member in members)
    largest = max((member.file_size for member in members), default=0)
    if total > XLSX_MAX_EXPANDED_BYTES or largest > XLSX_MAX_PART_BYTES:
        raise ValidationError(
            _("文件“%(name)s”解压后过大（%(size).0f MB），疑似压缩炸弹，已拒绝")
            % {"name": name, "size": total / 1048576}
        )
    return archive


# Magic bytes of the document types listings may attach (WAGTAILDOCS_EXTENSIONS).
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


def document_check(content: bytes, *, name: str, extensions: list[str]) -> str:
    """The lower-case extension of a document whose content is what its name says."""
    stem, dot, extension = name.rpartition(".")
    extension = extension.lower()
    if not dot or not stem or extension not in extensions:
        raise ValidationError(
            _("附件“%(name)s”的类型不支持：只接受 %(allowed)s")
            % {"name": name, "allowed": "、".join(f".{e}" for e in extensions)}
        )
    mismatch = ValidationError(
        _("附件“%(name)s”的内容与扩展名 .%(ext)s 不符") % {"name": name, "ext": extension}
    )
    if extension == "pdf":
        pdf_check(content, name=name)
    elif extension in ("doc", "xls", "ppt"):
        if not content.startswith(_OLE):
            raise mismatch
    elif extension in _OOXML_PART or extension == "zip":
        if not content.startswith(b"PK"):
            raise mismatch
        archive = zip_check(content, name=name)
        if extension in _OOXML_PART and not any(
            n.startswith(_OOXML_PART[extension]) for n in archive.namelist()
        ):
            raise mismatch
    elif extension == "txt":
        head = content[:4096].lstrip().lower()
        if b"\x00" in content or head.startswith((b"<!doctype", b"<html", b"<svg", b"<?xml")):
            raise mismatch
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            try:
                content.decode("gb18030")
            except UnicodeDecodeError as exc:
                raise mismatch from exc
    return extension


FILE_LABEL = gettext_lazy("文件")


def upload_read(
    uploaded: "UploadedFile[bytes]", *, max_bytes: int, label: str | Promise = FILE_LABEL
) -> bytes:
    """The bytes of an upload: its declared size checked, at most max_bytes + 1 read, not empty."""
    name = uploaded.name or "upload"
    limit = {"label": label, "name": name, "mb": f"{max_bytes / 1048576:.1f}"}
    if uploaded.size is not None and uploaded.size > max_bytes:
        raise ValidationError(_("%(label)s“%(name)s”过大，上限为 %(mb)s MB") % limit)
    content = uploaded.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise ValidationError(_("%(label)s“%(name)s”过大，上限为 %(mb)s MB") % limit)
    if not content:
        raise ValidationError(_("%(label)s“%(name)s”是空文件") % limit)
    return content


def read_pdf_or_image(
    uploaded: "UploadedFile[bytes]", *, max_bytes: int, label: str | Promise = FILE_LABEL
) -> tuple[bytes, str]:
    """Return (content, extension) of a PDF or image upload, judged by its bytes, or raise."""
    content = upload_read(uploaded, max_bytes=max_bytes, label=label)
    name = uploaded.name or "upload"
    if content.startswith(b"%PDF-"):
        pdf_check(content, name=name)
        return content, ".pdf"
    try:
        return content, image_check(content, name=name)
    except ValidationError:
        raise ValidationError(
            _("%(label)s“%(name)s”不是 PDF 或图片（JPEG、PNG）：按文件内容判断，与扩展名无关")
            % {"label": label, "name": name}
        ) from None


@dataclass(frozen=True)
class StoredUpload:
    """Checked bytes ready to keep: the record's name, size and digest, a random stored name."""

    content: bytes
    extension: str
    original_name: str

    @classmethod
    def of(cls, uploaded: "UploadedFile[bytes]", content: bytes, extension: str) -> "StoredUpload":
        # The user's file name is kept for display only, without path separators.
        original = (uploaded.name or "upload").replace("/", "_").replace("\\", "_")[-200:]
        return cls(content=content, extension=extension, original_name=original)

    def record_fields(self) -> dict[str, str | int]:
        """What the model keeping the file records of it: the name shown, size and digest."""
        return {"original_name": self.original_name, "size": self.size, "sha256": self.sha256}

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def save_to(self, field_file: FieldFile) -> None:
        """Store under a random name: the user's file name never becomes a path."""
        field_file.save(
            f"{uuid.uuid4().hex}{self.extension}", ContentFile(self.content), save=False
        )

    def create(self, model: type[ModelT], *, field: str = "file", **values: object) -> ModelT:
        """A new `model` row keeping these bytes in its file `field`, with the name shown, size
        and digest (record_fields) beside `values`."""
        record = model(**values, **self.record_fields())
        self.save_to(getattr(record, field))
        record.save()
        return record
