"""Stored files leave the app only after its permission check; the bytes may go out by nginx.

The view decides who may have a file. When PRIVATE_FILES_ACCEL_REDIRECT names the front
server's internal prefix, the answer is that decision alone: an `X-Accel-Redirect` header and
an empty body, and nginx sends the file from an `internal` location (deploy/nginx/), so a
download holds no gunicorn worker. Unset (runserver, the tests, a server without nginx), the
app streams the file itself.

`sendfile` is also Wagtail's SENDFILE_BACKEND, so documents (checked by marketplace's
`before_serve_document` hook) take the same way out.
"""

import mimetypes
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.http import content_disposition_header
from wagtail.utils import sendfile_streaming_backend

ACCEL_HEADER = "X-Accel-Redirect"


def _accel_roots() -> list[tuple[str, Path]]:
    # Private storage first: it is the one that must never be reachable another way.
    return [
        ("private", Path(settings.PRIVATE_MEDIA_ROOT)),
        ("media", Path(settings.MEDIA_ROOT)),
    ]


def accel_redirect_uri(path: str | Path) -> str | None:
    """The front server's internal URI for a file on disk, or None when the app streams it
    (no prefix configured, or the file lies outside the folders nginx knows)."""
    prefix = settings.PRIVATE_FILES_ACCEL_REDIRECT.rstrip("/")
    if not prefix:
        return None
    resolved = Path(path).resolve()
    for folder, root in _accel_roots():
        root = root.resolve()
        if resolved.is_relative_to(root):
            # nginx percent-decodes the header; quoting keeps non-ASCII names in latin-1.
            return f"{prefix}/{folder}/{quote(resolved.relative_to(root).as_posix())}"
    return None


def _local_path(file: FieldFile) -> str | None:
    try:
        return file.path
    except NotImplementedError:  # a storage without local paths: the app streams
        return None


def stored_file_response(
    file: FieldFile,
    *,
    filename: str,
    as_attachment: bool = True,
    content_type: str | None = None,
) -> HttpResponseBase:
    """Answer with a stored file the caller has already decided this request may have."""
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    local_path = _local_path(file)
    uri = accel_redirect_uri(local_path) if local_path else None
    response: HttpResponseBase
    if uri is None:
        response = FileResponse(
            file.open("rb"),
            as_attachment=as_attachment,
            filename=filename,
            content_type=content_type,
        )
    else:
        response = HttpResponse(content_type=content_type)
        response[ACCEL_HEADER] = uri
        if disposition := content_disposition_header(as_attachment, filename):
            response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    return response


def sendfile(request: HttpRequest, filename: str, **kwargs) -> HttpResponseBase:
    """Wagtail's SENDFILE_BACKEND: the document view has run its hooks (the access check)."""
    uri = accel_redirect_uri(filename)
    if uri is None:
        return sendfile_streaming_backend.sendfile(request, filename, **kwargs)
    response = HttpResponse()
    response[ACCEL_HEADER] = uri
    return response


def without_body_length(response: HttpResponseBase) -> HttpResponseBase:
    """An X-Accel-Redirect answer has an empty body; Wagtail's view still sets the file's
    length, which would promise the front server bytes that never come."""
    if response.has_header(ACCEL_HEADER) and isinstance(response, HttpResponse):
        response["Content-Length"] = str(len(response.content))
    return response
