"""The front server as deployed: what nginx serves itself, what it hands to the app, and back.

    .venv/bin/python bench/load/front_check.py   (server's environment; PROVE_HOST=https://…)

Run by bench/prove.py against nginx (deploy/nginx/panjin.conf.template) in front of gunicorn.
Each check reads the answer a client gets and, where it says who served it, nginx's access log
(PROVE_NGINX_LOG): a protected file is sent by nginx after the app's X-Accel-Redirect, only to
someone the app allowed; the others get the app's 404 and no file. Prints one JSON line:
name, passed, detail, checks, figures.
"""

import hashlib
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django

django.setup()

import requests  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.staticfiles.storage import staticfiles_storage  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.images import ImageFile  # noqa: E402
from PIL import Image as PILImage  # noqa: E402
from pypdf import PdfWriter  # noqa: E402
from wagtail.documents.models import Document  # noqa: E402
from wagtail.images.models import Image  # noqa: E402

from bench.load.nginx import access_entries  # noqa: E402
from bench.load.verdict import checks_verdict  # noqa: E402
from contracts.models import Contract  # noqa: E402
from contracts.services import attachment_add, contract_create  # noqa: E402
from core.selectors import organizations_for_user  # noqa: E402

HOST = os.environ["PROVE_HOST"]
LOG = Path(os.environ["PROVE_NGINX_LOG"])
PASSWORD = "panjin-load-2026"  # noqa: S105 - bench/load/prepare.py's throwaway accounts
HSTS = "max-age=31536000"


def pdf(text: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def browser(username: str | None) -> requests.Session:
    session = requests.Session()
    if username:
        session.get(f"{HOST}/accounts/login/", timeout=30)
        session.post(
            f"{HOST}/accounts/login/",
            data={
                "login": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": session.cookies.get("csrftoken"),
            },
            headers={"Referer": f"{HOST}/accounts/login/"},
            allow_redirects=False,
            timeout=30,
        )
    return session


def logged(path: str, since: int) -> list[dict]:
    time.sleep(0.3)  # nginx writes its line as the response ends
    return [e for e in access_entries(LOG, since) if e.get("request_uri") == path]


def curl_http2(url: str) -> tuple[str, int]:
    """(protocol, status) as curl negotiates it over ALPN; requests speaks HTTP/1.1 only."""
    result = subprocess.run(
        [
            "curl",
            "-s",
            "-o",
            "/dev/null",
            "--http2",
            "--cacert",
            os.environ["REQUESTS_CA_BUNDLE"],
            "-w",
            "%{http_version} %{http_code}",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    version, _, code = result.stdout.partition(" ")
    return version, int(code or 0)


def run() -> dict:
    user_model = get_user_model()
    owner = user_model.objects.get(username="load-applicant0")
    stranger = user_model.objects.get(username="load-buyer0")
    organization = organizations_for_user(user=owner).first()
    contract: Contract = contract_create(
        user=owner,
        organization=organization,
        data={"name": "前端服务器检查合同", "contract_type": "service", "subtype": "service"},
        parties=[],
    )
    content = pdf(f"front-check {time.time()}")
    attachment = attachment_add(
        user=owner,
        contract=contract,
        kind="signed_contract",
        uploaded=ContentFile(content, name="签字合同.pdf"),
    )
    document = Document(title="挂牌说明书（未上线）", uploaded_by_user=owner)
    document.file.save("front-check-说明书.pdf", ContentFile(content), save=False)
    document._set_document_file_metadata()
    document.save()

    checks, figures = {}, {}
    owner_session, stranger_session, anonymous = (
        browser(owner.username),
        browser(stranger.username),
        browser(None),
    )
    since = LOG.stat().st_size

    protected = {
        "contract attachment": f"/contracts/{contract.pk}/attachments/{attachment.pk}/",
        "unlisted document": document.url,
    }
    for label, path in protected.items():
        got = owner_session.get(HOST + path, timeout=30)
        lines = logged(path, since)
        accel = [e for e in lines if e.get("accel") and e["status"] == 200]
        checks[f"{label}: owner gets the file byte for byte"] = (
            got.status_code == 200
            and hashlib.sha256(got.content).digest() == hashlib.sha256(content).digest()
        )
        checks[f"{label}: sent by nginx via X-Accel-Redirect"] = bool(accel) and all(
            e["uri"].startswith("/_protected/") for e in accel
        )
        checks[f"{label}: attachment, nosniff, HSTS"] = (
            got.headers.get("Content-Disposition", "").startswith("attachment")
            and got.headers.get("X-Content-Type-Options") == "nosniff"
            and HSTS in got.headers.get("Strict-Transport-Security", "")
        )
        since = LOG.stat().st_size
        denied = stranger_session.get(HOST + path, timeout=30, allow_redirects=False)
        nobody = anonymous.get(HOST + path, timeout=30, allow_redirects=False)
        lines = logged(path, since)
        checks[f"{label}: another organisation gets the app's 404, no file"] = (
            denied.status_code == 404
            and content not in denied.content
            and not any(e.get("accel") for e in lines)
        )
        checks[f"{label}: anonymous gets no file"] = nobody.status_code in (302, 404) and (
            content not in nobody.content
        )
        figures[label] = {
            "owner": got.status_code,
            "other organisation": denied.status_code,
            "anonymous": nobody.status_code,
            "accel": accel[0]["accel"] if accel else "",
        }
        since = LOG.stat().st_size

    # The internal locations and the documents folder are not URLs anyone can ask for.
    internal = f"/_protected/private/{attachment.file.name}"
    direct = f"/media/{document.file.name}"
    checks["internal location refused to a client (404)"] = (
        owner_session.get(HOST + internal, timeout=30).status_code == 404
    )
    checks["documents not public under /media/ (404)"] = (
        anonymous.get(HOST + direct, timeout=30).status_code == 404
    )

    # Public media: a Wagtail image's original, straight from nginx.
    image = Image(title="检查图片", file=ImageFile(io.BytesIO(png()), name="front-check.png"))
    image.save()
    image_path = image.file.url
    picture = anonymous.get(HOST + image_path, timeout=30)
    lines = logged(image_path, since)
    checks["public image served by nginx (no upstream)"] = (
        picture.status_code == 200
        and picture.content == png()
        and bool(lines)
        and not any(e["upstream_status"] for e in lines)
    )
    since = LOG.stat().st_size

    # Static files: nginx itself, HTTP/2, long cache for hashed names.
    static_path = staticfiles_storage.url("css/site.css") if _has_static("css/site.css") else None
    static_path = static_path or staticfiles_storage.url(_any_static())
    static = anonymous.get(HOST + static_path, timeout=30)
    version, status = curl_http2(HOST + static_path)
    lines = logged(static_path, since)
    checks["static file served by nginx (no upstream)"] = (
        static.status_code == 200 and bool(lines) and not any(e["upstream_status"] for e in lines)
    )
    checks["HTTP/2 negotiated (curl --http2)"] = version == "2" and status == 200
    checks["hashed static cached immutable"] = "immutable" in static.headers.get(
        "Cache-Control", ""
    )

    # Pages: transport and framing headers as the "Lower" list asks.
    page = anonymous.get(HOST + "/", timeout=30)
    csp = page.headers.get("Content-Security-Policy", "")
    checks["page: HSTS over TLS"] = HSTS in page.headers.get("Strict-Transport-Security", "")
    checks["page: frame-ancestors 'none' with X-Frame-Options DENY"] = (
        "frame-ancestors 'none'" in csp and page.headers.get("X-Frame-Options") == "DENY"
    )
    live_document = anonymous.get(HOST + protected["unlisted document"], timeout=30)
    owned_document = owner_session.get(HOST + protected["unlisted document"], timeout=30)
    checks["document: no Content-Encoding: None, no empty ETag"] = (
        owned_document.headers.get("Content-Encoding") in (None, "")
        and owned_document.headers.get("ETag", "x").strip('W/"') != ""
        and live_document.headers.get("Content-Encoding") != "None"
    )
    plain = requests.get(
        HOST.replace("https://", "http://").rsplit(":", 1)[0]
        + f":{os.environ['PROVE_HTTP_PORT']}/",
        allow_redirects=False,
        timeout=30,
    )
    checks["plain HTTP redirected to https (301)"] = plain.status_code == 301 and plain.headers.get(
        "Location", ""
    ).startswith("https://")

    # Bodies over the app's limit stop at nginx, in Chinese.
    too_big = b"\0" * (settings.REQUEST_MAX_BYTES + 1)
    api = requests.post(
        f"{HOST}/api/v1/contracts/{contract.pk}/attachments", data=too_big, timeout=60
    )
    checks["body over REQUEST_MAX_BYTES: 413 in Chinese (API JSON)"] = (
        api.status_code == 413 and "过大" in api.json().get("detail", "")
    )
    figures["checks"] = len(checks)
    summary = (
        f"contract attachment owner {figures['contract attachment']['owner']}, other org "
        f"{figures['contract attachment']['other organisation']}, anonymous "
        f"{figures['contract attachment']['anonymous']}; unlisted document owner "
        f"{figures['unlisted document']['owner']}, other org "
        f"{figures['unlisted document']['other organisation']}; "
    )
    return checks_verdict("nginx front server", checks, summary, figures=figures)


def _has_static(name: str) -> bool:
    try:
        staticfiles_storage.url(name)
    except ValueError:
        return False
    return True


def _any_static() -> str:
    manifest = json.loads(Path(settings.STATIC_ROOT, "staticfiles.json").read_text())
    return next(name for name in manifest["paths"] if name.endswith(".css"))


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False))
