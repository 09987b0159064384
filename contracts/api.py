"""JSON API under /api/v1/contracts: the same services and visibility rules as the pages."""

from datetime import date
from decimal import Decimal
from http import HTTPStatus
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import TextChoices
from django.http import Http404
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BeforeValidator, WithJsonSchema

from contracts import services
from contracts.certificates import contract_certificate_get_or_create
from contracts.cleaning import amounts_complete
from contracts.models import (
    SUBTYPE_CHOICES,
    Contract,
    ContractType,
    IPItem,
    IPType,
    NonTechnicalCost,
    OfficerAction,
    Party,
    PaymentMethod,
    TechnologyField,
)
from contracts.models import Status as ContractStatus
from contracts.prechecks import contract_missing_items, contract_precheck
from contracts.selectors import (
    GROUPS,
    contract_get_for_user,
    contract_stats,
    contract_stats_totals,
    contract_verify,
    stats_min_public_count,
)
from core.api_docs import gettext_lazy
from core.private_files import stored_file_response
from core.selectors import organizations_for_user

router = Router(tags=["contracts"])


def _coded(choices: type[TextChoices] | list[tuple[str, str]]) -> WithJsonSchema:
    """A coded field's schema: the code or the Chinese label is accepted, both are listed.

    The services resolve the value (contracts.cleaning.choice_code), so an unknown one is a 400
    with the allowed values in Chinese, like every other validation error of this API.
    """
    # Labels are lazy translations; the schema lists the Chinese names the services accept.
    with translation.override(settings.LANGUAGE_CODE):
        pairs = [
            (code, str(label))
            for code, label in (choices.choices if isinstance(choices, type) else choices)
        ]
    values = [code for code, _label in pairs] + [label for _code, label in pairs]
    described = "；".join(f"{code} = {label}" for code, label in pairs)
    return WithJsonSchema(
        {
            "type": "string",
            "enum": list(dict.fromkeys(values)),
            "description": format_lazy(
                gettext_lazy("代码或中文名称均可：{values}"), values=described
            ),
        }
    )


ContractTypeIn = Annotated[str, _coded(ContractType)]
SubtypeIn = Annotated[str, _coded(SUBTYPE_CHOICES)]
TechnologyFieldIn = Annotated[str, _coded(TechnologyField)]
IPTypeIn = Annotated[str, _coded(IPType)]
PaymentMethodIn = Annotated[str, _coded(PaymentMethod)]
RoleIn = Annotated[str, _coded(Party.Role)]
PartyTypeIn = Annotated[str, _coded(Party.PartyType)]
CostKindIn = Annotated[str, _coded(NonTechnicalCost.Kind)]
IPKindIn = Annotated[str, _coded(IPItem.Kind)]


class PartyIn(Schema):
    role: RoleIn
    name: str
    uscc: str = ""
    party_type: PartyTypeIn = "enterprise"
    district: str | None = Field(
        None, description=gettext_lazy("区县或功能区，名称、简称、代码或别名均可")
    )
    region: str = ""


class CostIn(Schema):
    kind: CostKindIn = "other"
    description: str = ""
    amount: Decimal


class IPItemIn(Schema):
    kind: IPKindIn = "patent"
    number: str
    title: str = ""


class ContractIn(Schema):
    organization_id: int | None = None
    name: str | None = None
    contract_type: ContractTypeIn | None = None
    subtype: SubtypeIn | None = None
    is_import: bool | None = None
    signed_on: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    total_amount: Decimal | None = None
    declared_technical_amount: Decimal | None = Field(
        None, description=gettext_lazy("技术交易额；留空则为合同成交额减去非技术性费用")
    )
    declared_non_technical_amount: Decimal | None = Field(
        None, description=gettext_lazy("非技术性费用合计（设备、材料等）；也可在 costs 中逐项列出")
    )
    technology_field: TechnologyFieldIn | None = None
    ip_type: IPTypeIn | None = None
    payment_method: PaymentMethodIn | None = None
    payment_schedule: str | None = None
    summary: str | None = None
    parties: list[PartyIn] | None = None
    costs: list[CostIn] | None = None
    ip_items: list[IPItemIn] | None = None


class PartyOut(Schema):
    role: str
    name: str
    uscc: str
    party_type: str
    district: str | None
    region: str


class CostOut(Schema):
    kind: str
    description: str
    amount: Decimal


class IPItemOut(Schema):
    kind: str
    number: str
    title: str


class AttachmentOut(Schema):
    id: int
    kind: str
    original_name: str
    size: int
    uploaded_at: str


class IssueOut(Schema):
    level: str
    code: str
    message: str


class ContractOut(Schema):
    id: int
    organization: str
    status: str
    status_label: str
    name: str
    contract_type: str
    subtype: str
    is_import: bool
    signed_on: date | None
    valid_from: date | None
    valid_until: date | None
    total_amount: Decimal
    declared_technical_amount: Decimal
    declared_non_technical_amount: Decimal
    technical_amount: Decimal
    adjustment_note: str
    technology_field: str
    ip_type: str
    payment_method: str
    payment_schedule: str
    submitted_at: str | None
    accepted_on: date | None
    deadline: date | None
    registered_on: date | None
    registration_number: str | None
    national_number: str
    verification_code: str
    return_reason: str
    refusal_grounds: list[str]
    parties: list[PartyOut]
    costs: list[CostOut]
    ip_items: list[IPItemOut]
    attachments: list[AttachmentOut]
    missing: list[str]
    precheck: list[IssueOut]


class SubmitIn(Schema):
    explanation: str = ""


def _officer_action(value: object) -> object:
    """The action's code or its Chinese name (受理, 认定登记 …)."""
    for action in OfficerAction:
        if str(value).strip() in (action.value, action.label):
            return action.value
    return value


class ReviewIn(Schema):
    action: Annotated[OfficerAction, BeforeValidator(_officer_action)] = Field(
        description=format_lazy(
            gettext_lazy("登记员操作：{actions}"),
            actions="；".join(f"{a.value} = {a.label}" for a in OfficerAction),
        )
    )
    reason: str = ""
    grounds: list[str] = []
    note: str = ""
    amount: Decimal | None = Field(None, description=gettext_lazy("adjust：核定的技术交易额"))
    national_number: str = Field("", description=gettext_lazy("national_number：全国系统登记编号"))
    amendment: dict[str, Any] = Field(
        default_factory=dict,
        description=gettext_lazy('amend：变更的字段，如 {"valid_until": "2027-12-31"}'),
    )


class VerifyOut(Schema):
    valid: bool
    status: str
    registration_number: str
    name: str
    contract_type: str
    sellers: list[str]
    buyers: list[str]
    registered_on: date
    registry: str


class StatsRow(Schema):
    key: str
    label: str
    count: int
    total: Decimal | None = Field(
        description=gettext_lazy("合同成交额；不足公开项数的分组为 null（登记员可见）")
    )
    technical: Decimal | None
    withheld: bool


class StatsOut(Schema):
    year: int | None
    group_by: str
    count: int
    total: Decimal | None
    technical: Decimal | None
    withheld: bool
    min_public_count: int
    rows: list[StatsRow]


class ErrorOut(Schema):
    detail: str | dict


def _out(contract: Contract) -> dict:
    contract = (
        Contract.objects.select_related("organization")
        .prefetch_related("parties__district", "costs", "ip_items", "attachments")
        .get(pk=contract.pk)
    )
    editable = contract.status in services.EDITABLE_STATUSES
    return {
        **{f: getattr(contract, f) for f in ContractOut.model_fields if hasattr(contract, f)},
        "organization": contract.organization.name,
        "status_label": contract.get_status_display(),
        "submitted_at": contract.submitted_at.isoformat() if contract.submitted_at else None,
        "parties": [
            {
                "role": p.role,
                "name": p.name,
                "uscc": p.uscc,
                "party_type": p.party_type,
                "district": p.district.name if p.district else None,
                "region": p.region,
            }
            for p in contract.parties.all()
        ],
        "costs": list(contract.costs.values("kind", "description", "amount")),
        "ip_items": list(contract.ip_items.values("kind", "number", "title")),
        "attachments": [
            {
                "id": a.pk,
                "kind": a.kind,
                "original_name": a.original_name,
                "size": a.size,
                "uploaded_at": a.uploaded_at.isoformat(),
            }
            for a in contract.attachments.all()
        ],
        "missing": contract_missing_items(contract=contract) if editable else [],
        "precheck": contract_precheck(contract=contract) if editable else [],
    }


AMOUNT_KEYS = ("total_amount", "declared_technical_amount", "declared_non_technical_amount")


def _split(payload: ContractIn, *, creating: bool) -> tuple[dict, dict]:
    data = payload.dict(exclude_unset=True)
    data.pop("organization_id", None)
    children = {key: data.pop(key) for key in ("parties", "costs", "ip_items") if key in data}
    # A figure left out is derived: 技术交易额 = 合同成交额 − 非技术性费用. An update that
    # sends one figure alone changes that figure only.
    declares_split = "declared_non_technical_amount" in data or children.get("costs")
    if creating or declares_split:
        data = amounts_complete(data, children.get("costs"))
    # Explicit nulls mean "clear" for text and choice fields.
    for key, value in list(data.items()):
        if value is None and key not in ("signed_on", "valid_from", "valid_until"):
            data[key] = "" if key not in AMOUNT_KEYS else 0
    return data, children


CREATED = {HTTPStatus.CREATED: ContractOut, HTTPStatus.FORBIDDEN: ErrorOut}


# Mounted at "/contracts" so that POST /api/v1/contracts works as documented; the slash form is
# accepted too (a POST cannot be redirected to it).
@router.post(
    "/",
    response=CREATED,
    include_in_schema=False,
    url_name="contracts_create_slash",
    operation_id="contracts_create_slash",
)
@router.post(
    "", response=CREATED, summary=gettext_lazy("新建合同登记草稿"), operation_id="contracts_create"
)
def create_contract(request, payload: ContractIn):
    organizations = list(organizations_for_user(user=request.user))
    if payload.organization_id:
        organizations = [o for o in organizations if o.pk == payload.organization_id]
    if not organizations:
        raise PermissionDenied(_("只有企业/机构成员可以为本机构申请登记"))
    data, children = _split(payload, creating=True)
    contract = services.contract_create(
        user=request.user, organization=organizations[0], data=data, **children
    )
    return Status(HTTPStatus.CREATED, _out(contract))


@router.get(
    "/verify",
    auth=None,
    response={200: VerifyOut, 404: ErrorOut},
    summary=gettext_lazy("核验登记证明"),
)
def verify(request, number: str = "", code: str = ""):
    contract = contract_verify(number=number, code=code)
    if contract is None:
        return Status(404, {"detail": _("未找到与该登记编号和验证码相符的登记")})
    return {
        "valid": contract.status == ContractStatus.REGISTERED,
        "status": contract.get_status_display(),
        "registration_number": contract.registration_number,
        "name": contract.name,
        "contract_type": contract.get_contract_type_display(),
        "sellers": [p.name for p in contract.sellers()],
        "buyers": [p.name for p in contract.buyers()],
        "registered_on": contract.registered_on,
        "registry": contract.office.name,
    }


@router.get(
    "/stats",
    auth=None,
    response={200: StatsOut, 400: ErrorOut},
    summary=gettext_lazy("登记统计（汇总）"),
)
def stats(request, year: int | None = None, group_by: str = "type"):
    if group_by not in GROUPS:
        return Status(
            400, {"detail": _("group_by 须为 %(groups)s 之一") % {"groups": ", ".join(GROUPS)}}
        )
    if year is not None and not 2000 <= year <= 2100:
        return Status(400, {"detail": _("year 超出范围")})
    full = services.user_is_officer(request.user)
    return {
        "year": year,
        "group_by": group_by,
        "withheld": False,
        **contract_stats_totals(year=year, full=full),
        "min_public_count": stats_min_public_count(),
        "rows": contract_stats(year=year, group_by=group_by, full=full),
    }


@router.get("/{int:contract_id}", response=ContractOut, summary=gettext_lazy("合同登记详情"))
def get_contract(request, contract_id: int):
    return _out(contract_get_for_user(user=request.user, pk=contract_id))


@router.patch(
    "/{int:contract_id}", response=ContractOut, summary=gettext_lazy("修改草稿或退回补正的合同")
)
def update_contract(request, contract_id: int, payload: ContractIn):
    contract = contract_get_for_user(user=request.user, pk=contract_id)
    data, children = _split(payload, creating=False)
    contract = services.contract_update(user=request.user, contract=contract, data=data, **children)
    return _out(contract)


@router.post(
    "/{int:contract_id}/attachments",
    response={HTTPStatus.CREATED: AttachmentOut},
    summary=gettext_lazy("上传合同文本（PDF）或附件"),
)
def upload_attachment(
    request, contract_id: int, file: File[UploadedFile], kind: Form[str] = "signed_contract"
):
    contract = contract_get_for_user(user=request.user, pk=contract_id)
    attachment = services.attachment_add(
        user=request.user, contract=contract, kind=kind, uploaded=file
    )
    return Status(
        HTTPStatus.CREATED,
        {
            "id": attachment.pk,
            "kind": attachment.kind,
            "original_name": attachment.original_name,
            "size": attachment.size,
            "uploaded_at": attachment.uploaded_at.isoformat(),
        },
    )


@router.post("/{int:contract_id}/submit", response=ContractOut, summary=gettext_lazy("提交登记"))
def submit_contract(request, contract_id: int, payload: SubmitIn | None = None):
    contract = contract_get_for_user(user=request.user, pk=contract_id)
    explanation = payload.explanation if payload else ""
    return _out(
        services.contract_submit(user=request.user, contract=contract, explanation=explanation)
    )


@router.post(
    "/{int:contract_id}/review",
    response=ContractOut,
    summary=gettext_lazy("登记员办理：受理、审查、登记、退回、不予登记、核定、变更、注销"),
)
def review_contract(request, contract_id: int, payload: ReviewIn):
    contract = contract_get_for_user(user=request.user, pk=contract_id)
    contract = services.contract_officer_act(
        user=request.user,
        contract=contract,
        action=payload.action,
        data=services.OfficerInput(
            reason=payload.reason,
            grounds=tuple(payload.grounds),
            note=payload.note,
            amount="" if payload.amount is None else payload.amount,
            national_number=payload.national_number,
            amendment=payload.amendment,
        ),
    )
    return _out(contract)


@router.get("/{int:contract_id}/certificate.pdf", summary=gettext_lazy("下载登记证明 PDF"))
def certificate(request, contract_id: int):
    contract = contract_get_for_user(user=request.user, pk=contract_id)
    if contract.status not in (ContractStatus.REGISTERED, ContractStatus.CANCELLED):
        raise Http404(_("合同尚未登记，没有登记证明"))
    try:
        contract = contract_certificate_get_or_create(contract=contract, base_url=settings.SITE_URL)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    return stored_file_response(
        contract.certificate,
        filename=f"{contract.registration_number}.pdf",
        as_attachment=False,
        content_type="application/pdf",
    )
