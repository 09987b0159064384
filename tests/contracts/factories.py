import functools
import io
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.services import attachment_add, contract_create
from tests.factories import OrganizationFactory


@functools.cache
def pdf_bytes(text: str = "contract") -> bytes:
    """A real one-page PDF, made with WeasyPrint."""
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()


def pdf_upload(name: str = "合同.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content or pdf_bytes(), content_type="application/pdf")


def contract_data(**overrides) -> dict:
    data = {
        "name": "含油污泥热解处理技术开发合同",
        "contract_type": "development",
        "subtype": "commissioned",
        "signed_on": date(2026, 3, 2),
        "valid_from": date(2026, 3, 2),
        "valid_until": date(2027, 3, 1),
        "total_amount": Decimal("1200000"),
        "declared_technical_amount": Decimal("1000000"),
        "technology_field": "environment",
        "ip_type": "know_how",
        "payment_method": "instalments",
        "payment_schedule": "签订后付 50%，验收后付 50%",
    }
    data.update(overrides)
    return data


def make_draft(
    user,
    organization,
    *,
    buyer=None,
    data=None,
    parties=None,
    costs=None,
    ip_items=None,
    attach=True,
):
    buyer = buyer or OrganizationFactory()
    if parties is None:
        parties = [
            {
                "role": "seller",
                "name": organization.name,
                "uscc": organization.uscc,
                "party_type": "enterprise",
                "district": organization.district_id,
            },
            {
                "role": "buyer",
                "name": buyer.name,
                "uscc": buyer.uscc,
                "party_type": "enterprise",
                "district": buyer.district_id,
            },
        ]
    contract = contract_create(
        user=user,
        organization=organization,
        data=data or contract_data(),
        parties=parties,
        costs=costs
        if costs is not None
        else [{"kind": "equipment", "description": "热解炉", "amount": "200000"}],
        ip_items=ip_items or [],
    )
    if attach:
        attachment_add(user=user, contract=contract, kind="signed_contract", uploaded=pdf_upload())
    return contract


__all__ = ["contract_data", "io", "make_draft", "pdf_bytes", "pdf_upload"]
