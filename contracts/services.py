"""Every write to a technology contract; each transition checks who may do it and is audited."""

import dataclasses
import logging
import secrets
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from contracts.cleaning import (
    amount_parse,
    contract_fields_apply,
    costs_clean,
    date_parse,
    ip_items_clean,
    party_clean,
)
from contracts.deadlines import review_deadline
from contracts.models import (
    REFUSAL_GROUND_LABELS,
    Attachment,
    ChangeRequest,
    Contract,
    IPItem,
    NonTechnicalCost,
    NumberSequence,
    OfficerAction,
    Party,
    PaymentMethod,
    RegistryOffice,
    Status,
)
from contracts.prechecks import contract_fingerprint, contract_precheck
from core.models import Organization
from core.roles import Role, user_has_role
from core.selectors import organizations_for_user
from core.services import audit_record
from core.types import AnyUser, User
from core.uploads import StoredUpload, image_check, pdf_check, upload_read
from core.validation import text_required

logger = logging.getLogger(__name__)

EDITABLE_STATUSES = {Status.DRAFT, Status.RETURNED}
# A decision closes the case: 办结时间 dates the withdrawal, the registration or the refusal.
DECIDED_STATUSES = {Status.WITHDRAWN, Status.REGISTERED, Status.REFUSED}
VERIFICATION_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I look-alikes


# Permissions ----------------------------------------------------------------------------------


def user_is_officer(user: AnyUser) -> bool:
    return user_has_role(user, Role.REGISTRY_OFFICER)


def user_is_applicant(user: AnyUser, contract: Contract) -> bool:
    return organizations_for_user(user=user).filter(pk=contract.organization_id).exists()


def _require_officer(user: AnyUser) -> None:
    if not user_is_officer(user):
        raise PermissionDenied(_("只有合同登记员可以执行此操作"))


def _require_applicant(user: AnyUser, contract: Contract) -> None:
    if not user_is_applicant(user, contract):
        raise PermissionDenied(_("只有申请机构的成员可以执行此操作"))


def _locked(contract: Contract, allowed: set[Status], action: str) -> Contract:
    """The row re-read under a lock, so two people cannot act on a stale status, once its status
    is one of `allowed` (else the refusal names `action`)."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.status not in allowed:
        raise ValidationError(
            _("合同当前状态为“%(status)s”，不能%(action)s")
            % {"status": contract.get_status_display(), "action": action},
            code="bad_status",
        )
    return contract


def _transition(
    contract: Contract,
    *,
    user: User,
    action: str,
    to: Status,
    note: str = "",
    changes: dict[str, list[object]] | None = None,
) -> Contract:
    """Move the locked contract to status `to` (a decision also dates 办结时间), save it with
    the fields the step has set, record the step, and return it."""
    old = contract.status
    contract.status = to
    if to in DECIDED_STATUSES:
        contract.decided_at = timezone.now()
    contract.save()
    audit_record(
        actor=user,
        action=f"contracts.contract.{action}",
        obj=contract,
        changes={"status": [old, to], **(changes or {})},
        note=note,
    )
    return contract


# Offices and numbering ------------------------------------------------------------------------


def registry_office_default() -> RegistryOffice:
    office, _ = RegistryOffice.objects.get_or_create(
        code=settings.CONTRACT_OFFICE_CODE,
        defaults={
            "name": settings.CONTRACT_OFFICE_NAME,
            "division_code": settings.CONTRACT_DIVISION_CODE,
        },
    )
    return office


def registration_number_allocate(*, office: RegistryOffice, year: int) -> str:
    """Next number for office and year. Must run inside the registering transaction: the counter
    row stays locked until commit, and a rollback gives the serial back (gapless)."""
    # Create the counter once without racing: a concurrent insert is ignored, not an error.
    NumberSequence.objects.bulk_create(
        [NumberSequence(office=office, year=year, last_serial=0)], ignore_conflicts=True
    )
    sequence = NumberSequence.objects.select_for_update().get(office=office, year=year)
    sequence.last_serial += 1
    sequence.save(update_fields=["last_serial"])
    number_format: str = settings.CONTRACT_NUMBER_FORMAT
    return number_format.format(
        year=year,
        division=office.division_code,
        office=office.code,
        serial=sequence.last_serial,
    )


# Children ------------------------------------------------------------------------------------


def _replace_parties(contract: Contract, rows: list[dict[str, Any]]) -> None:
    parties = [party_clean(row, i) for i, row in enumerate(rows)]
    contract.parties.all().delete()
    seen: set[str] = set()
    for order, party in enumerate(parties):
        party.contract = contract
        party.sort_order = order
        # The first party of each side is the lead one statistics count by.
        party.is_lead = party.role not in seen
        seen.add(party.role)
    Party.objects.bulk_create(parties)


def _replace_costs(contract: Contract, rows: list[dict[str, Any]]) -> None:
    costs = costs_clean(contract, rows)
    contract.costs.all().delete()
    NonTechnicalCost.objects.bulk_create(costs)


def _replace_ip_items(contract: Contract, rows: list[dict[str, Any]]) -> None:
    items = ip_items_clean(contract, rows)
    contract.ip_items.all().delete()
    IPItem.objects.bulk_create(items)


def _write_children(
    contract: Contract,
    *,
    parties: list[dict[str, Any]] | None,
    costs: list[dict[str, Any]] | None,
    ip_items: list[dict[str, Any]] | None,
) -> dict[str, list[str]]:
    changes: dict[str, list[str]] = {}
    if parties is not None:
        _replace_parties(contract, parties)
        changes["parties"] = [f"{p['role']}:{p.get('name', '')}" for p in parties]
    if costs is not None:
        _replace_costs(contract, costs)
        changes["costs"] = [str(c.get("amount")) for c in costs]
    if ip_items is not None:
        _replace_ip_items(contract, ip_items)
        changes["ip_items"] = [str(i.get("number")) for i in ip_items]
    return changes


# Applicant ------------------------------------------------------------------------------------


@transaction.atomic
def contract_create(
    *,
    user: User,
    organization: Organization,
    data: dict[str, Any],
    parties: list[dict[str, Any]] | None = None,
    costs: list[dict[str, Any]] | None = None,
    ip_items: list[dict[str, Any]] | None = None,
    source_inquiry_id: int | None = None,
) -> Contract:
    if not organizations_for_user(user=user).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("只能为本人所属机构申请登记"))
    contract = Contract(
        organization=organization,
        created_by=user,
        office=registry_office_default(),
        source_inquiry_id=source_inquiry_id,
    )
    changes = contract_fields_apply(contract, dict(data))
    contract.full_clean(exclude=["office", "organization", "certificate"], validate_unique=False)
    contract.save()
    changes.update(_write_children(contract, parties=parties, costs=costs, ip_items=ip_items))
    audit_record(actor=user, action="contracts.contract.create", obj=contract, changes=changes)
    return contract


@transaction.atomic
def contract_update(
    *,
    user: User,
    contract: Contract,
    data: dict[str, Any] | None = None,
    parties: list[dict[str, Any]] | None = None,
    costs: list[dict[str, Any]] | None = None,
    ip_items: list[dict[str, Any]] | None = None,
) -> Contract:
    _require_applicant(user, contract)
    contract = _locked(contract, EDITABLE_STATUSES, _("修改"))
    changes = contract_fields_apply(contract, dict(data or {}))
    contract.save()
    changes.update(_write_children(contract, parties=parties, costs=costs, ip_items=ip_items))
    if changes:
        audit_record(actor=user, action="contracts.contract.update", obj=contract, changes=changes)
    return contract


def _check_upload(uploaded: "UploadedFile[bytes]", *, kind: str) -> StoredUpload:
    content = upload_read(uploaded, max_bytes=settings.CONTRACT_UPLOAD_MAX_BYTES)
    name = uploaded.name or "upload"
    if content.startswith(b"%PDF-"):
        pdf_check(content, name=name)
        return StoredUpload.of(uploaded, content, ".pdf")
    if kind == Attachment.Kind.SIGNED_CONTRACT:
        raise ValidationError(
            _("文件“%(name)s”不是 PDF 文件（按文件内容判断，与扩展名无关），请上传扫描或导出的 PDF")
            % {"name": uploaded.name}
        )
    if content.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        # Decoded whole by Pillow, not trusted by its first bytes.
        extension = image_check(content, name=name)
        if extension in (".jpg", ".png"):
            return StoredUpload.of(uploaded, content, extension)
    raise ValidationError(
        _("文件“%(name)s”的格式不支持：附件只接受 PDF、JPEG 或 PNG") % {"name": uploaded.name}
    )


@transaction.atomic
def attachment_add(
    *, user: User, contract: Contract, kind: str, uploaded: "UploadedFile[bytes]"
) -> Attachment:
    _require_applicant(user, contract)
    contract = _locked(contract, EDITABLE_STATUSES, _("上传附件"))
    if kind not in Attachment.Kind.values:
        raise ValidationError(_("附件类别“%(kind)s”无效") % {"kind": kind})
    upload = _check_upload(uploaded, kind=kind)
    attachment = upload.create(Attachment, contract=contract, kind=kind, uploaded_by=user)
    audit_record(
        actor=user,
        action="contracts.contract.attachment_add",
        obj=contract,
        changes={"attachment": [None, upload.original_name], "kind": [None, kind]},
    )
    return attachment


@transaction.atomic
def attachment_delete(*, user: User, attachment: Attachment) -> None:
    contract = attachment.contract
    _require_applicant(user, contract)
    _locked(contract, EDITABLE_STATUSES, _("删除附件"))
    name = attachment.original_name
    attachment.file.delete(save=False)
    attachment.delete()
    audit_record(
        actor=user,
        action="contracts.contract.attachment_delete",
        obj=contract,
        changes={"attachment": [name, None]},
    )


@transaction.atomic
def contract_submit(*, user: User, contract: Contract, explanation: str = "") -> Contract:
    """Run the pre-checks; errors block, warnings need the applicant's explanation."""
    _require_applicant(user, contract)
    contract = _locked(contract, EDITABLE_STATUSES, _("提交"))
    issues = contract_precheck(contract=contract)
    errors = [i["message"] for i in issues if i["level"] == "error"]
    if errors:
        raise ValidationError(errors)
    warnings = [i for i in issues if i["level"] == "warning"]
    explanation = (explanation or "").strip()
    if warnings and not explanation:
        raise ValidationError(
            [_("登记库核对有以下提示，请逐项说明后再提交："), *[w["message"] for w in warnings]],
            code="explanation_required",
        )
    contract.precheck_warnings = warnings
    contract.precheck_explanation = explanation if warnings else ""
    contract.fingerprint = contract_fingerprint(contract=contract)
    contract.submitted_at = timezone.now()
    # A correction restarts the clock: acceptance and deadline are set again on acceptance.
    contract.accepted_on = None
    contract.deadline = None
    return _transition(
        contract,
        user=user,
        action="submit" if contract.status == Status.DRAFT else "resubmit",
        to=Status.SUBMITTED,
        note=explanation,
    )


@transaction.atomic
def contract_withdraw(*, user: User, contract: Contract, reason: str = "") -> Contract:
    _require_applicant(user, contract)
    contract = _locked(
        contract, {Status.SUBMITTED, Status.RETURNED}, _("撤回（已受理的合同不能撤回）")
    )
    return _transition(contract, user=user, action="withdraw", to=Status.WITHDRAWN, note=reason)


# Officer --------------------------------------------------------------------------------------


@transaction.atomic
def contract_accept(*, user: User, contract: Contract, on: date | None = None) -> Contract:
    _require_officer(user)
    contract = _locked(contract, {Status.SUBMITTED}, _("受理"))
    contract.accepted_on = on or timezone.localdate()
    contract.deadline = review_deadline(
        accepted_on=contract.accepted_on, technical_amount=contract.technical_amount
    )
    return _transition(
        contract,
        user=user,
        action="accept",
        to=Status.ACCEPTED,
        changes={"deadline": [None, contract.deadline.isoformat()]},
    )


@transaction.atomic
def contract_start_review(*, user: User, contract: Contract) -> Contract:
    _require_officer(user)
    contract = _locked(contract, {Status.ACCEPTED}, _("开始审查"))
    return _transition(contract, user=user, action="start_review", to=Status.REVIEWING)


@transaction.atomic
def contract_register(*, user: User, contract: Contract, on: date | None = None) -> Contract:
    _require_officer(user)
    contract = _locked(contract, {Status.ACCEPTED, Status.REVIEWING}, gettext("登记"))
    contract.registered_on = on or timezone.localdate()
    contract.registration_number = registration_number_allocate(
        office=contract.office, year=contract.registered_on.year
    )
    contract.verification_code = "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(8))
    return _transition(
        contract,
        user=user,
        action="register",
        to=Status.REGISTERED,
        changes={"registration_number": [None, contract.registration_number]},
    )


@transaction.atomic
def contract_return(*, user: User, contract: Contract, reason: str) -> Contract:
    _require_officer(user)
    reason = text_required(reason, _("退回补正须写明需要补正的内容"), field="reason")
    contract = _locked(
        contract, {Status.SUBMITTED, Status.ACCEPTED, Status.REVIEWING}, _("退回补正")
    )
    contract.return_reason = reason
    return _transition(contract, user=user, action="return", to=Status.RETURNED, note=reason)


@transaction.atomic
def contract_refuse(
    *, user: User, contract: Contract, grounds: list[str], note: str = ""
) -> Contract:
    _require_officer(user)
    grounds = list(dict.fromkeys(grounds or []))
    if not grounds:
        raise ValidationError({"grounds": [_("不予登记须选择至少一项法定理由")]})
    unknown = [g for g in grounds if g not in REFUSAL_GROUND_LABELS]
    if unknown:
        raise ValidationError(
            {
                "grounds": [
                    _("不是可选的不予登记理由：%(unknown)s") % {"unknown": ", ".join(unknown)}
                ]
            }
        )
    contract = _locked(contract, {Status.ACCEPTED, Status.REVIEWING}, _("不予登记"))
    contract.refusal_grounds = grounds
    contract.refusal_note = (note or "").strip()
    return _transition(
        contract,
        user=user,
        action="refuse",
        to=Status.REFUSED,
        note="；".join(str(REFUSAL_GROUND_LABELS[g]) for g in grounds)
        + (f"。{contract.refusal_note}" if contract.refusal_note else ""),
    )


@transaction.atomic
def contract_adjust_technical_amount(
    *, user: User, contract: Contract, amount: object, note: str
) -> Contract:
    """The officer's 核定技术交易额: never above the total, always with a reason."""
    _require_officer(user)
    note = text_required(note, _("核定技术交易额须写明理由"), field="note")
    amount = amount_parse(amount, _("核定技术交易额"))
    contract = _locked(contract, {Status.ACCEPTED, Status.REVIEWING}, _("核定技术交易额"))
    if amount > contract.total_amount:
        raise ValidationError({"amount": [_("技术交易额不能大于合同成交额")]})
    old = contract.technical_amount
    contract.technical_amount = amount
    contract.adjustment_note = note
    contract.save()
    audit_record(
        actor=user,
        action="contracts.contract.adjust_amount",
        obj=contract,
        changes={"technical_amount": [str(old), str(amount)]},
        note=note,
    )
    return contract


AMENDABLE = {
    "name",
    "valid_from",
    "valid_until",
    "total_amount",
    "technical_amount",
    "payment_method",
    "payment_schedule",
}


def _amendment_check_fields(data: dict[str, Any]) -> None:
    unknown = set(data) - AMENDABLE
    if unknown:
        raise ValidationError(
            _("变更登记不能修改：%(unknown)s") % {"unknown": ", ".join(sorted(unknown))}
        )


def _amendment_diff(contract: Contract, data: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """{field: (current, new)} for the amended fields whose parsed value differs; refuses a
    技术交易额 above the 合同成交额 the contract would have afterwards."""
    _amendment_check_fields(data)
    diff: dict[str, tuple[Any, Any]] = {}
    for field, value in data.items():
        if field in ("total_amount", "technical_amount"):
            value = amount_parse(value, _("金额"))
        elif field in ("valid_from", "valid_until"):
            value = date_parse(value, _("有效期"))
        elif field == "payment_method" and value not in PaymentMethod.values:
            raise ValidationError({"payment_method": [_("支付方式无效")]})
        old = getattr(contract, field)
        if old != value:
            diff[field] = (old, value)

    def after(field: str) -> Any:
        return diff[field][1] if field in diff else getattr(contract, field)

    if after("technical_amount") > after("total_amount"):
        raise ValidationError(_("技术交易额不能大于合同成交额"))
    return diff


@transaction.atomic
def contract_amend(*, user: User, contract: Contract, data: dict[str, Any], note: str) -> Contract:
    """变更登记: the registry records agreed changes; the certificate is issued anew."""
    _require_officer(user)
    note = text_required(note, _("变更登记须写明变更依据"), field="note")
    _amendment_check_fields(data)
    contract = _locked(contract, {Status.REGISTERED}, _("变更登记"))
    diff = _amendment_diff(contract, data)
    if not diff:
        raise ValidationError(_("没有需要变更的内容"))
    for field, (_old, value) in diff.items():
        setattr(contract, field, value)
    changes = {field: [str(old), str(value)] for field, (old, value) in diff.items()}
    contract.amendment_count += 1
    if contract.certificate:
        contract.certificate.delete(save=False)
    contract.certificate = ""
    contract.certificate_generated_at = None
    contract.save()
    audit_record(
        actor=user, action="contracts.contract.amend", obj=contract, changes=changes, note=note
    )
    return contract


@transaction.atomic
def contract_cancel(*, user: User, contract: Contract, reason: str) -> Contract:
    """注销登记: the number stays taken (numbers are never reused), the status says 已注销."""
    _require_officer(user)
    reason = text_required(reason, _("注销登记须写明原因"), field="reason")
    contract = _locked(contract, {Status.REGISTERED}, _("注销登记"))
    contract.cancellation_reason = reason
    return _transition(contract, user=user, action="cancel", to=Status.CANCELLED, note=reason)


# Applicants' requests for 变更登记 / 注销登记 --------------------------------------------------


@transaction.atomic
def change_request_submit(
    *, user: User, contract: Contract, kind: str, reason: str, changes: dict[str, Any] | None = None
) -> ChangeRequest:
    """An applicant asks the registry to amend or cancel a registered contract."""
    _require_applicant(user, contract)
    if kind not in ChangeRequest.Kind.values:
        raise ValidationError({"kind": [_("请选择变更登记或注销登记")]})
    reason = text_required(
        reason, _("请写明申请的依据或原因（如补充协议、解除协议）"), field="reason"
    )
    contract = _locked(
        contract,
        {Status.REGISTERED},
        _("申请%(label)s") % {"label": ChangeRequest.Kind(kind).label},
    )
    if contract.change_requests.filter(status=ChangeRequest.Decision.PENDING).exists():
        raise ValidationError(_("已有一项申请在办理中，请等待登记机构办理后再申请"))
    diff: dict[str, tuple[Any, Any]] = {}
    if kind == ChangeRequest.Kind.AMEND:
        filled = {
            field: value.strip() if isinstance(value, str) else value
            for field, value in (changes or {}).items()
            if value not in (None, "")
        }
        diff = _amendment_diff(contract, filled)
        if not diff:
            raise ValidationError(_("请填写要变更的内容（与现登记内容相同的不算变更）"))
    request = ChangeRequest.objects.create(
        contract=contract,
        kind=kind,
        # Plain JSON; contract_amend parses it again when the registry records the change.
        changes={field: str(value) for field, (_old, value) in diff.items()},
        reason=reason,
        requested_by=user,
    )
    audit_record(
        actor=user,
        action=f"contracts.contract.request_{kind}",
        obj=contract,
        changes={field: [str(old), str(value)] for field, (old, value) in diff.items()},
        note=reason,
    )
    return request


def _pending_request(request: ChangeRequest) -> ChangeRequest:
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ChangeRequest.Decision.PENDING:
        raise ValidationError(_("该申请已%(status)s") % {"status": request.get_status_display()})
    return request


@transaction.atomic
def change_request_approve(*, user: User, request: ChangeRequest, note: str = "") -> ChangeRequest:
    """The registry records the requested change; the contract's audit trail says it was asked."""
    _require_officer(user)
    request = _pending_request(request)
    basis = _("依申请（%(requested_by)s）：%(reason)s") % {
        "requested_by": request.requested_by,
        "reason": request.reason,
    }
    if note.strip():
        basis += _("；办理意见：%(note)s") % {"note": note.strip()}
    if request.kind == ChangeRequest.Kind.AMEND:
        contract_amend(user=user, contract=request.contract, data=request.changes, note=basis)
    else:
        contract_cancel(user=user, contract=request.contract, reason=basis)
    request.status = ChangeRequest.Decision.APPROVED
    request.decided_by, request.decided_at = user, timezone.now()
    request.decision_note = note.strip()
    request.save()
    return request


@transaction.atomic
def change_request_reject(*, user: User, request: ChangeRequest, note: str) -> ChangeRequest:
    _require_officer(user)
    note = text_required(note, _("不予办理须说明理由"), field="note")
    request = _pending_request(request)
    request.status = ChangeRequest.Decision.REJECTED
    request.decided_by, request.decided_at = user, timezone.now()
    request.decision_note = note
    request.save()
    audit_record(
        actor=user, action="contracts.contract.request_rejected", obj=request.contract, note=note
    )
    return request


@transaction.atomic
def contract_set_national_number(*, user: User, contract: Contract, number: str) -> Contract:
    _require_officer(user)
    number = (number or "").strip()
    if not number or len(number) > 40:
        raise ValidationError({"national_number": [_("请填写全国技术合同登记系统的登记号")]})
    contract = _locked(contract, {Status.REGISTERED}, _("记录全国系统登记号"))
    old = contract.national_number
    contract.national_number = number
    contract.save(update_fields=["national_number", "updated_at"])
    audit_record(
        actor=user,
        action="contracts.contract.national_number",
        obj=contract,
        changes={"national_number": [old, number]},
    )
    return contract


# Officer actions ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class OfficerInput:
    """What an officer may send with an action; each action reads the fields it needs."""

    reason: str = ""
    grounds: tuple[str, ...] = ()
    note: str = ""
    amount: object = ""
    national_number: str = ""
    amendment: dict[str, Any] = dataclasses.field(default_factory=dict)


OFFICER_ACTIONS: dict[OfficerAction, Callable[[User, Contract, OfficerInput], Contract]] = {
    OfficerAction.ACCEPT: lambda user, c, i: contract_accept(user=user, contract=c),
    OfficerAction.START_REVIEW: lambda user, c, i: contract_start_review(user=user, contract=c),
    OfficerAction.REGISTER: lambda user, c, i: contract_register(user=user, contract=c),
    OfficerAction.RETURN: lambda user, c, i: contract_return(
        user=user, contract=c, reason=i.reason
    ),
    OfficerAction.REFUSE: lambda user, c, i: contract_refuse(
        user=user, contract=c, grounds=list(i.grounds), note=i.note or i.reason
    ),
    OfficerAction.ADJUST: lambda user, c, i: contract_adjust_technical_amount(
        user=user, contract=c, amount=i.amount, note=i.note
    ),
    OfficerAction.AMEND: lambda user, c, i: contract_amend(
        user=user, contract=c, data=i.amendment, note=i.note
    ),
    OfficerAction.CANCEL: lambda user, c, i: contract_cancel(
        user=user, contract=c, reason=i.reason
    ),
    OfficerAction.NATIONAL_NUMBER: lambda user, c, i: contract_set_national_number(
        user=user, contract=c, number=i.national_number
    ),
}


def contract_officer_act(
    *, user: User, contract: Contract, action: str, data: OfficerInput | None = None
) -> Contract:
    """One entry point for every officer action, from the pages and the API alike."""
    try:
        action = OfficerAction(action)
    except ValueError as exc:
        raise ValidationError({"action": [_("未知操作“%(action)s”") % {"action": action}]}) from exc
    return OFFICER_ACTIONS[action](user, contract, data or OfficerInput())
