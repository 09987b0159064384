"""Fault: fill the contract upload limit (CONTRACT_UPLOAD_MAX_BYTES) on the running server.

A valid PDF of exactly the limit is accepted and stored byte for byte; one byte more, and twice
the limit, are refused with a Chinese message (a form error on the page, 400 on the API; a 413
from the edge once the body passes REQUEST_MAX_BYTES), never a 5xx, and leave nothing behind:
no attachment row, no file in the private storage.

Run by bench/prove.py with the server's environment; needs PROVE_HOST and the load accounts
of bench/load/prepare.py. Prints one JSON line: name, passed, writes_lost, detail.
"""

import hashlib
import io
import json
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django

django.setup()

import requests  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from pypdf import PdfReader, PdfWriter  # noqa: E402

from bench.load.loopback import behind_tls_proxy  # noqa: E402
from bench.load.verdict import checks_verdict  # noqa: E402
from contracts.models import Attachment  # noqa: E402
from contracts.services import contract_create  # noqa: E402
from core.selectors import organizations_for_user  # noqa: E402
from core.services import api_token_create  # noqa: E402

HOST = os.environ.get("PROVE_HOST", "http://127.0.0.1:8403")
PASSWORD = "panjin-load-2026"  # noqa: S105 - bench/load/prepare.py's throwaway accounts


def pdf_of_size(size: int) -> bytes:
    """A valid one-page PDF of exactly `size` bytes (padding in the document information)."""
    pad = 0
    for _ in range(8):
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        writer.add_metadata({"/Padding": "x" * pad})
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
        if len(data) == size:
            assert len(PdfReader(io.BytesIO(data)).pages) == 1
            return data
        pad = max(0, pad + size - len(data))
    raise RuntimeError(f"could not build a PDF of {size} bytes")


def browser(username: str) -> requests.Session:
    session = requests.Session()
    behind_tls_proxy(session)
    session.get(f"{HOST}/accounts/login/")
    session.post(
        f"{HOST}/accounts/login/",
        data={
            "login": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies.get("csrftoken"),
        },
        headers={"Referer": HOST.replace("http://", "https://") + "/accounts/login/"},
        allow_redirects=False,
    )
    return session


def page_upload(session, pk: int, content: bytes, name: str):
    path = f"/contracts/{pk}/attachments/"
    return session.post(
        HOST + path,
        data={"kind": "signed_contract", "csrfmiddlewaretoken": session.cookies.get("csrftoken")},
        files={"file": (name, content, "application/pdf")},
        headers={"Referer": HOST.replace("http://", "https://") + path},
    )


def stored_files() -> set[str]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def run() -> dict:
    limit = settings.CONTRACT_UPLOAD_MAX_BYTES
    user = get_user_model().objects.get(username="load-applicant0")
    organization = organizations_for_user(user=user).first()
    contract = contract_create(
        user=user,
        organization=organization,
        data={"name": "上传上限测试合同", "contract_type": "service", "subtype": "service"},
        parties=[],
    )
    session = browser(user.username)
    _, token = api_token_create(user=user, name="prove-upload")
    checks, notes = {}, []

    at_limit = pdf_of_size(limit)
    files_before = stored_files()
    response = page_upload(session, contract.pk, at_limit, "恰好上限.pdf")
    stored = Attachment.objects.filter(contract=contract, size=limit).first()
    checks["at the limit: accepted"] = response.status_code == 200 and "已上传" in response.text
    checks["at the limit: stored byte for byte"] = bool(
        stored and stored.sha256 == hashlib.sha256(at_limit).hexdigest()
    )
    writes_lost = 0 if stored else 1
    files_after_ok = stored_files()

    rows_before = Attachment.objects.filter(contract=contract).count()
    for label, size in (("limit + 1 byte", limit + 1), ("twice the limit", 2 * limit)):
        content = pdf_of_size(size) if size == limit + 1 else at_limit + b"\0" * limit
        # A body past the whole-request limit (REQUEST_MAX_BYTES) stops at the edge — nginx
        # in front, the app's middleware without it — with a Chinese 413; below it, the form
        # says why.
        at_edge = size > settings.REQUEST_MAX_BYTES
        response = page_upload(session, contract.pk, content, "超过上限.pdf")
        messages = re.findall(r'class="message error[^"]*"[^>]*>([^<]+)<', response.text)
        if at_edge:
            messages = re.findall(r"请求过大[^<]*", response.text)
            checks[f"page, {label}: 413 in Chinese"] = response.status_code == 413 and bool(
                messages
            )
        else:
            checks[f"page, {label}: Chinese form error"] = response.status_code < 500 and any(
                "过大" in m for m in messages
            )
        notes.append(f"page {label}: {response.status_code} “{(messages or ['?'])[0].strip()}”")
        response = requests.post(
            f"{HOST}/api/v1/contracts/{contract.pk}/attachments",
            data={"kind": "signed_contract"},
            files={"file": ("超过上限.pdf", content, "application/pdf")},
            headers={"Authorization": f"Bearer {token}", "X-Forwarded-Proto": "https"},
            timeout=120,
        )
        try:
            detail = json.dumps(response.json(), ensure_ascii=False)
        except ValueError:
            detail = response.text
        expected = 413 if at_edge else 400
        checks[f"API, {label}: {expected} in Chinese"] = (
            response.status_code == expected and "过大" in detail
        )
        notes.append(f"API {label}: {response.status_code} {detail[:80]}")
    checks["over the limit: no row stored"] = (
        Attachment.objects.filter(contract=contract).count() == rows_before
    )
    checks["over the limit: no file stored"] = stored_files() == files_after_ok
    checks["at the limit: one file stored"] = len(files_after_ok - files_before) == 1
    summary = f"limit {limit / 1048576:.0f} MB; " + "; ".join(notes) + "; "
    return checks_verdict("upload size limit", checks, summary, writes_lost=writes_lost)


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False))
