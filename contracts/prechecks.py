"""Checks run before submission: completeness, amounts, parties and the IP registry.

Each issue is a dict {"level": "error"|"warning", "code": str, "message": str}. Errors block
submission; warnings (e.g. the registry is behind) may be answered with an explanation.
"""

import hashlib
from decimal import Decimal

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import (
    PATENT_SUBTYPES,
    SUBTYPES,
    Attachment,
    Contract,
    IPItem,
    Party,
    Status,
)
from core.tables import header_key
from ip_registry.selectors import patents_status_on


def _issue(level: str, code: str, message: str) -> dict:
    return {"level": level, "code": code, "message": message}


def contract_missing_items(*, contract: Contract) -> list[str]:
    """What the applicant still has to fill in, in plain Chinese."""
    missing = []
    if not contract.name.strip():
        missing.append(_("合同名称"))
    if not contract.contract_type or contract.subtype not in dict(
        SUBTYPES.get(contract.contract_type, [])
    ):
        missing.append(_("合同类型和子类（可用“帮我判断合同类型”）"))
    if not contract.signed_on:
        missing.append(_("签订日期"))
    if not contract.valid_from or not contract.valid_until:
        missing.append(_("合同有效期"))
    parties = list(contract.parties.all())
    if not any(p.role == Party.Role.SELLER for p in parties):
        missing.append(_("至少一个卖方（研究开发人、让与人、许可人或受托人）"))
    if not any(p.role == Party.Role.BUYER for p in parties):
        missing.append(_("至少一个买方（委托人、受让人、被许可人）"))
    if contract.total_amount <= 0:
        missing.append(_("合同成交额"))
    if not contract.technology_field:
        missing.append(_("技术领域"))
    if not contract.ip_type:
        missing.append(_("知识产权类型"))
    if not contract.payment_method:
        missing.append(_("支付方式"))
    if contract.subtype in PATENT_SUBTYPES and not any(
        i.kind == IPItem.Kind.PATENT for i in contract.ip_items.all()
    ):
        missing.append(_("涉及的专利申请号"))
    if not any(a.kind == Attachment.Kind.SIGNED_CONTRACT for a in contract.attachments.all()):
        missing.append(_("签字盖章的合同文本（PDF）"))
    return missing


def contract_fingerprint(*, contract: Contract) -> str:
    """Same parties, contract name, signing date and total = possibly the same contract.

    The name counts: phases of one cooperation (第1期, 第2期) are signed the same day between
    the same parties, often for the same total, and are different contracts.
    """
    parties = sorted(f"{p.role}:{p.uscc or p.name.strip()}" for p in contract.parties.all())
    name = header_key(contract.name)
    text = "|".join([*parties, name, str(contract.signed_on), f"{contract.total_amount:.2f}"])
    return hashlib.sha256(text.encode()).hexdigest()


def _amount_issues(contract: Contract) -> list[dict]:
    issues = []
    cent = Decimal("0.01")
    # The non-technical part: the itemised costs if listed, else the applicant's declared figure.
    itemised = list(contract.costs.all())
    costs = contract.non_technical_total if itemised else contract.declared_non_technical_amount
    declared = contract.declared_non_technical_amount
    if itemised and declared and abs(declared - costs) > cent:
        issues.append(
            _issue(
                "error",
                "costs_inconsistent",
                _(
                    "逐项列出的非技术性费用合计 %(costs).2f 元，"
                    "与申报的非技术性费用 %(declared).2f 元不一致"
                )
                % {"costs": costs, "declared": declared},
            )
        )
    if contract.declared_technical_amount > contract.total_amount:
        issues.append(_issue("error", "technical_exceeds_total", _("技术交易额不能大于合同成交额")))
    expected = contract.total_amount - costs
    if contract.total_amount > 0 and abs(expected - contract.declared_technical_amount) > cent:
        issues.append(
            _issue(
                "error",
                "amounts_inconsistent",
                _(
                    "技术交易额应等于合同成交额减去非技术性费用："
                    "%(total_amount).2f − %(costs).2f = %(expected).2f "
                    "元，现填 %(declared_technical_amount).2f "
                    "元"
                )
                % {
                    "total_amount": contract.total_amount,
                    "costs": costs,
                    "expected": expected,
                    "declared_technical_amount": contract.declared_technical_amount,
                },
            )
        )
    if contract.valid_from and contract.valid_until and contract.valid_until < contract.valid_from:
        issues.append(_issue("error", "validity", _("合同有效期的截止日期早于起始日期")))
    if contract.signed_on and contract.signed_on > timezone.localdate():
        issues.append(_issue("error", "signed_in_future", _("签订日期不能晚于今天")))
    return issues


def _party_issues(contract: Contract) -> list[dict]:
    issues = []
    parties = list(contract.parties.select_related("district"))
    seller_ids = {p.uscc for p in parties if p.role == Party.Role.SELLER and p.uscc}
    buyer_ids = {p.uscc for p in parties if p.role == Party.Role.BUYER and p.uscc}
    if seller_ids & buyer_ids:
        issues.append(_issue("error", "same_party_both_sides", _("同一单位不能既是卖方又是买方")))
    applicant_side = Party.Role.BUYER if contract.is_import else Party.Role.SELLER
    side_ids = buyer_ids if contract.is_import else seller_ids
    if contract.organization.uscc not in side_ids:
        who = _("境内买方（技术进口合同由买方登记）") if contract.is_import else _("卖方")
        issues.append(
            _issue(
                "error",
                "applicant_not_party",
                _("申请机构“%(name)s”须作为%(who)s列入当事人（登记由%(choices)s办理）")
                % {
                    "name": contract.organization.name,
                    "who": who,
                    "choices": dict(Party.Role.choices)[applicant_side],
                },
            )
        )
    usccs = [p.uscc for p in parties if p.uscc]
    known = _registry_names(usccs)
    for party in parties:
        names = known.get(party.uscc)
        if names and party.name.strip() not in names:
            issues.append(
                _issue(
                    "warning",
                    "party_name_mismatch",
                    _(
                        "%(role)s“%(name)s”的统一社会信用代码 %(uscc)s "
                        "在登记库中的名称为“%(names)s”，请核对合同签章名称"
                    )
                    % {
                        "role": party.get_role_display(),
                        "name": party.name,
                        "uscc": party.uscc,
                        "names": sorted(names)[0],
                    },
                )
            )
    return issues


def _registry_names(usccs: list[str]) -> dict[str, set[str]]:
    """Names (current and former) the platform knows for each USCC."""
    names: dict[str, set[str]] = {}
    Organization = apps.get_model("core", "Organization")
    for uscc, name in Organization.objects.filter(uscc__in=usccs).values_list("uscc", "name"):
        names.setdefault(uscc, set()).add(name)
    Enterprise = apps.get_model("ip_registry", "Enterprise")
    for uscc, name, former in Enterprise.objects.filter(uscc__in=usccs).values_list(
        "uscc", "name", "former_names"
    ):
        entry = names.setdefault(uscc, set())
        entry.add(name)
        entry.update(str(n).strip() for n in former or [])
    return names


def _patent_issues(contract: Contract) -> list[dict]:
    numbers = [i.number for i in contract.ip_items.all() if i.kind == IPItem.Kind.PATENT]
    if not numbers or contract.contract_type not in ("transfer", "license"):
        return []
    snapshots = patents_status_on(numbers=numbers, on=contract.signed_on)
    sellers = [p for p in contract.parties.all() if p.role == Party.Role.SELLER]
    seller_usccs = {p.uscc for p in sellers if p.uscc}
    seller_names = {p.name.strip() for p in sellers}
    on = f"{contract.signed_on:%Y-%m-%d}" if contract.signed_on else _("今天")
    issues = []
    for number in numbers:
        snapshot = snapshots.get(number)
        if snapshot is None:
            issues.append(
                _issue(
                    "warning",
                    "patent_unknown",
                    _(
                        "专利 %(number)s 在登记库中未找到（登记库可能尚未收录，"
                        "可上传专利证书并说明）"
                    )
                    % {"number": number},
                )
            )
            continue
        # An application right is transferred before grant, so "in force" cannot be asked.
        if contract.subtype != "patent_application_right" and not snapshot.in_force:
            issues.append(
                _issue(
                    "warning",
                    "patent_not_in_force",
                    _(
                        "专利 %(number)s（%(title)s）在签订日 %(on)s "
                        "的法律状态为“%(status_label)s”，不是有效专利"
                    )
                    % {
                        "number": number,
                        "title": snapshot.title,
                        "on": on,
                        "status_label": snapshot.status_label,
                    },
                )
            )
        holder_usccs = {h.uscc for h in snapshot.holders if h.uscc}
        holder_names = {h.name.strip() for h in snapshot.holders}
        if not (holder_usccs & seller_usccs or holder_names & seller_names):
            holders = "、".join(sorted(holder_names)) or _("无记录")
            issues.append(
                _issue(
                    "warning",
                    "patent_not_held_by_seller",
                    _("专利 %(number)s 在签订日 %(on)s 的专利权人为“%(holders)s”，不是本合同的卖方")
                    % {"number": number, "on": on, "holders": holders},
                )
            )
    return issues


def _duplicate_issues(contract: Contract) -> list[dict]:
    """A contract matching another on every key is a warning to explain, not a refusal.

    Only the same applicant submitting again a contract already registered is refused.
    """
    fingerprint = contract_fingerprint(contract=contract)
    matches = list(
        Contract.objects.filter(fingerprint=fingerprint)
        .exclude(pk=contract.pk)
        .exclude(status__in=[Status.DRAFT, Status.WITHDRAWN, Status.REFUSED, Status.CANCELLED])
        .order_by("pk")
    )
    for match in matches:
        if match.status == Status.REGISTERED and match.organization_id == contract.organization_id:
            return [
                _issue(
                    "error",
                    "duplicate_registered",
                    _(
                        "本机构已登记过同一合同（登记号 %(registration_number)s）"
                        "，当事人、合同名称、签订日期和成交额均相同，"
                        "不能重复登记"
                    )
                    % {"registration_number": match.registration_number},
                )
            ]
    return [
        _issue(
            "warning",
            "possible_duplicate",
            _(
                "可能重复：与%(registration_number)s（%(status)s）"
                "的当事人、合同名称、签订日期和成交额均相同。"
                "如确为不同的合同，请说明区别，登记员审查时会看到说明"
            )
            % {
                "registration_number": match.registration_number
                or _("编号 %(pk)s") % {"pk": match.pk},
                "status": match.get_status_display(),
            },
        )
        for match in matches[:3]
    ]


def contract_precheck(*, contract: Contract) -> list[dict]:
    issues = [
        _issue("error", "missing", _("尚未填写：%(item)s") % {"item": item})
        for item in contract_missing_items(contract=contract)
    ]
    issues += _amount_issues(contract)
    issues += _party_issues(contract)
    issues += _patent_issues(contract)
    issues += _duplicate_issues(contract)
    return issues
