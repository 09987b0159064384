"""Certificate PDFs per second against a one-line WeasyPrint document, measured in the same run.

Builds registered contracts through the real services in a scratch SQLite database (or the
scratch database given with --database-url, emptied first), then times:

- the baseline: a one-line WeasyPrint document (Latin text), and the same line in Chinese (font
  subsetting of the CJK font is the main cost of any Chinese PDF);
- rendering a 技术合同登记证明 (template, QR code, two CJK fonts) without storing it;
- the first download path: render, store privately, record (`contract_certificate_get_or_create`);
- a repeat download, which reads the stored file (certificates are generated once).

`--count` certificates per measurement (default 20; `--quick` 5). The table is printed and
written to bench/results/certificates-<vendor>-<count>.txt.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=20, help="PDFs per measurement (default 20)")
    parser.add_argument("--quick", action="store_true", help="5 PDFs per measurement")
    parser.add_argument("--database-url", help="an explicit scratch database URL (emptied)")
    return parser.parse_args()


def rate(fn, count: int) -> tuple[float, float]:
    """(PDFs per second, mean milliseconds) over `count` calls, after one warm-up call."""
    fn(0)
    start = time.perf_counter()
    for i in range(count):
        fn(i)
    elapsed = time.perf_counter() - start
    return count / elapsed, elapsed / count * 1000


def main():
    args = parse_args()
    count = 5 if args.quick else args.count
    scratch = Path(tempfile.mkdtemp(prefix="bench-certificates-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{scratch}/contracts.sqlite3"
    os.environ["DJANGO_PRIVATE_MEDIA_ROOT"] = str(scratch / "private")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from weasyprint import HTML

    call_command("migrate", verbosity=0)
    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)

    from contracts import services
    from contracts.certificates import certificate_pdf, contract_certificate_get_or_create
    from core.identifiers import make_uscc
    from core.models import District, Organization
    from core.roles import Role
    from core.services import user_create_with_role

    district = District.objects.get(name="兴隆台区")
    seller = Organization.objects.create(
        name="盘锦辽河精细化工技术有限公司",
        uscc=make_uscc("91211100", "MA0BENCH"),
        district=district,
    )
    member = user_create_with_role(
        username="bench-member",
        role=Role.ENTERPRISE_MEMBER,
        password=None,
        organization_uscc=seller.uscc,
    )
    officer = user_create_with_role(
        username="bench-officer", role=Role.REGISTRY_OFFICER, password=None
    )
    pdf = HTML(string="<p>signed</p>").write_pdf()
    total = 2 * count + 2
    start = time.perf_counter()
    contracts = []
    for i in range(total):
        buyer = Organization.objects.create(
            name=f"盘锦第{i + 1}新材料科技有限公司",
            uscc=make_uscc("91211100", f"MB{i:06d}"),
            district=district,
        )
        signed = date(2026, 1, 1) + timedelta(days=i % 200)
        contract = services.contract_create(
            user=member,
            organization=seller,
            data={
                "name": f"含油污泥热解处理技术开发合同（第 {i + 1} 号）",
                "contract_type": "development",
                "subtype": "commissioned",
                "signed_on": signed,
                "valid_from": signed,
                "valid_until": signed + timedelta(days=365),
                "total_amount": Decimal("1200000") + i,
                "declared_technical_amount": Decimal("1000000") + i,
                "technology_field": "environment",
                "ip_type": "know_how",
                "payment_method": "instalments",
            },
            parties=[
                {"role": "seller", "name": seller.name, "uscc": seller.uscc},
                {"role": "buyer", "name": buyer.name, "uscc": buyer.uscc},
            ],
            costs=[{"kind": "equipment", "amount": "200000"}],
        )
        services.attachment_add(
            user=member,
            contract=contract,
            kind="signed_contract",
            uploaded=SimpleUploadedFile("c.pdf", pdf),
        )
        contract = services.contract_submit(user=member, contract=contract)
        contract = services.contract_accept(user=officer, contract=contract)
        contracts.append(services.contract_register(user=officer, contract=contract))
    setup_s = time.perf_counter() - start
    base_url = "https://tech.panjin.example/"

    rows = []
    latin, latin_ms = rate(lambda i: HTML(string=f"<p>Hello {i}</p>").write_pdf(), count)
    rows.append(("one-line WeasyPrint document (baseline)", latin, latin_ms))
    chinese, chinese_ms = rate(
        lambda i: HTML(
            string=f"<p style='font-family:\"Noto Sans CJK SC\"'>技术合同{i}</p>"
        ).write_pdf(),
        count,
    )
    rows.append(("one-line document in Chinese (CJK font)", chinese, chinese_ms))
    render, render_ms = rate(
        lambda i: certificate_pdf(contract=contracts[i % count], base_url=base_url), count
    )
    rows.append(("certificate, rendered only", render, render_ms))
    fresh = iter(contracts[count:])
    stored, stored_ms = rate(
        lambda i: contract_certificate_get_or_create(contract=next(fresh), base_url=base_url),
        count,
    )
    rows.append(("certificate, first download (render + store)", stored, stored_ms))
    done = contracts[count + 1 :]

    def again(i):
        contract = contract_certificate_get_or_create(
            contract=type(done[0]).objects.get(pk=done[i % len(done)].pk), base_url=base_url
        )
        with contract.certificate.open("rb") as handle:
            handle.read()

    cached, cached_ms = rate(again, count)
    rows.append(("certificate, repeat download (stored file)", cached, cached_ms))

    size = len(certificate_pdf(contract=contracts[0], base_url=base_url))
    lines = [
        f"# Certificate PDFs — {connection.vendor}, {count} PDFs per row, "
        f"{total} registered contracts built in {setup_s:.1f} s",
        "",
        "| what | PDFs/s | ms per PDF | vs one-line baseline |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, per_second, ms in rows:
        lines.append(f"| {label} | {per_second:.1f} | {ms:.1f} | {per_second / latin:.2f}× |")
    lines += ["", f"Certificate size: {size / 1024:.0f} KiB (fonts subset and embedded)."]
    table = "\n".join(lines)
    print(table)
    out = ROOT / "bench" / "results" / f"certificates-{connection.vendor}-{count}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table + "\n", encoding="utf-8")
    print(f"\n→ {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
