"""The registration certificate (技术合同登记证明), rendered once with WeasyPrint, kept private."""

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from contracts.models import Contract, Status
from core.pdf import html_to_pdf


def verification_url(*, contract: Contract, base_url: str) -> str:
    base = base_url.rstrip("/")
    query = urlencode({"number": contract.registration_number, "code": contract.verification_code})
    return f"{base}{reverse('contracts:verify')}?{query}"


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=3, border=2)


def certificate_html(*, contract: Contract, base_url: str) -> str:
    url = verification_url(contract=contract, base_url=base_url)
    # An official document: always in Chinese, whatever the officer's language, as it is stored
    # once and handed to the parties.
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "contracts/certificate.html",
            {
                "contract": contract,
                "sellers": contract.sellers(),
                "buyers": contract.buyers(),
                "verify_url": url,
                "qr": qr_svg(url),
            },
        )


def certificate_pdf(*, contract: Contract, base_url: str) -> bytes:
    return html_to_pdf(certificate_html(contract=contract, base_url=base_url))


def _certificate_stored(contract: Contract) -> bool:
    # A row restored without its private files (or a file removed by hand) names a certificate
    # that is gone: render it again instead of failing the download (found by the live fuzz).
    file = contract.certificate
    return bool(file.name) and file.storage.exists(file.name or "")


def contract_certificate_get_or_create(*, contract: Contract, base_url: str) -> Contract:
    """Generate the certificate on first request and store it; later calls reuse the file.

    Permission is checked by the caller (parties and officers only). The row lock keeps two
    simultaneous first downloads from rendering twice.
    """
    if _certificate_stored(contract):
        return contract
    with transaction.atomic():
        locked = (
            Contract.objects.select_for_update()
            .select_related("office", "organization")
            .get(pk=contract.pk)
        )
        if _certificate_stored(locked):
            return locked
        if locked.status not in (Status.REGISTERED, Status.CANCELLED):
            raise ValueError("only registered contracts have a certificate")
        pdf = certificate_pdf(contract=locked, base_url=base_url)
        locked.certificate.save(
            f"{locked.registration_number}-{locked.amendment_count}.pdf",
            ContentFile(pdf),
            save=False,
        )
        locked.certificate_generated_at = timezone.now()
        locked.save(update_fields=["certificate", "certificate_generated_at", "updated_at"])
        return locked
