"""Demo contracts in every state across the last twelve months, run through the real services."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contracts import services
from contracts.models import PATENT_SUBTYPES, SUBTYPES, ChangeRequest, Contract, Status
from core.demo import demo_organizations, demo_uscc
from core.models import Organization
from core.pdf import html_to_pdf

TOPICS = [
    ("含油污泥热解处理", "environment"),
    ("稠油热采井口密封", "manufacturing"),
    ("盐碱地水稻育秧", "agriculture"),
    ("海工平台防腐涂层", "materials"),
    ("油田伴生气回收", "energy"),
    ("河蟹养殖水质在线监测", "electronics"),
    ("聚丙烯催化剂改性", "materials"),
    ("石化装置能效诊断", "energy"),
    ("抽油机远程控制系统", "electronics"),
    ("湿地生态修复", "environment"),
]
# (status the contract ends in, weight): most are registered, every state appears.
OUTCOMES = [
    (Status.REGISTERED, 75),
    (Status.DRAFT, 6),
    (Status.SUBMITTED, 6),
    (Status.ACCEPTED, 6),
    (Status.REVIEWING, 5),
    (Status.RETURNED, 5),
    (Status.REFUSED, 4),
    (Status.WITHDRAWN, 3),
    (Status.CANCELLED, 3),
]
OUTSIDE_BUYERS = [
    ("沈阳新松化工装备有限公司", "辽宁省沈阳市"),
    ("天津滨海石化技术有限公司", "天津市"),
    ("大连海湾新材料有限公司", "辽宁省大连市"),
]


def _pdf() -> bytes:
    return html_to_pdf("<h1>技术合同（演示）</h1><p>双方签字盖章页</p>")


def _party(org: Organization, role: str) -> dict:
    kind = {"university": "university", "institute": "institute"}.get(org.kind, "enterprise")
    return {
        "role": role,
        "name": org.name,
        "uscc": org.uscc,
        "party_type": kind,
        "district": org.district,
    }


def seed(*, scale, progress) -> dict:
    rng = random.Random(20260601)  # noqa: S311 - demo data, deterministic on purpose
    User = get_user_model()
    officer = User.objects.get(username="registrar")
    rows = demo_organizations(count=scale.organizations)
    organizations = list(Organization.objects.filter(uscc__in=[r["uscc"] for r in rows]))
    organizations.sort(key=lambda o: [r["uscc"] for r in rows].index(o.uscc))
    sellers = []
    for index, org in enumerate(organizations[:6]):
        user = User.objects.filter(username=f"member{index + 1}").first()
        if user:
            sellers.append((org, user))
    if not sellers:
        return {"合同": 0}
    pdf = _pdf()
    today = timezone.localdate()
    plan = []
    for i in range(scale.contracts):
        org, user = sellers[i % len(sellers)]
        topic, field = TOPICS[rng.randrange(len(TOPICS))]
        contract_type = rng.choice(
            [
                "development",
                "development",
                "transfer",
                "license",
                "consulting",
                "service",
                "service",
            ]
        )
        subtype = rng.choice(
            # Demo contracts name no patents, so they use the other subtypes.
            [s for s, _ in SUBTYPES[contract_type] if s not in PATENT_SUBTYPES]
        )
        outcome = rng.choices([o for o, _ in OUTCOMES], weights=[w for _, w in OUTCOMES])[0]
        if i < len(OUTCOMES):
            outcome = OUTCOMES[i][0]  # every state appears, whatever the scale
        # Cases still open are recent (a few may be overdue); decided ones spread over a year.
        open_case = outcome in (Status.DRAFT, Status.SUBMITTED, Status.ACCEPTED, Status.REVIEWING)
        signed = today - timedelta(
            days=rng.randrange(5, 60) if open_case else rng.randrange(30, 365)
        )
        plan.append((signed, i, org, user, topic, field, contract_type, subtype, outcome))
    plan.sort(key=lambda p: (p[0], p[1]))

    created = 0
    counts: dict[str, int] = {}
    for signed, i, org, user, topic, field, contract_type, subtype, outcome in progress(
        plan, desc="技术合同"
    ):
        type_label = dict(SUBTYPES[contract_type])[subtype]
        # The serial is the natural key: re-running on another day finds the same contracts.
        name = f"{topic}{type_label}合同（演示{i + 1:04d}）"
        if Contract.objects.filter(name=name).exists():
            counts[outcome] = counts.get(outcome, 0) + 1
            continue
        others = [o for o in organizations if o.pk != org.pk]
        if others and rng.random() < 0.8:
            buyer = _party(rng.choice(others), "buyer")
        else:
            buyer_name, region = rng.choice(OUTSIDE_BUYERS)
            buyer = {
                "role": "buyer",
                "name": buyer_name,
                "party_type": "enterprise",
                "uscc": demo_uscc(rng, authority="91", district_code="210100"),
                "region": region,
            }
        total = Decimal(rng.randrange(5, 900)) * Decimal(10000)
        equipment = (total * Decimal(rng.choice([0, 0, 0, 10, 20])) / 100).quantize(Decimal("0.01"))
        try:
            contract = services.contract_create(
                user=user,
                organization=org,
                data={
                    "name": name,
                    "contract_type": contract_type,
                    "subtype": subtype,
                    "signed_on": signed,
                    "valid_from": signed,
                    "valid_until": signed + timedelta(days=rng.choice([180, 365, 730])),
                    "total_amount": total,
                    "declared_technical_amount": total - equipment,
                    "technology_field": field,
                    "ip_type": "know_how"
                    if contract_type in ("transfer", "license")
                    else rng.choice(["know_how", "none", "software"]),
                    "payment_method": rng.choice(["lump_sum", "instalments", "royalty"]),
                    "payment_schedule": "按合同约定的节点支付",
                    "summary": f"{topic}相关技术的{type_label}。",
                },
                parties=[_party(org, "seller"), buyer],
                costs=[{"kind": "equipment", "description": "配套设备", "amount": equipment}]
                if equipment
                else [],
            )
            if outcome != Status.DRAFT:
                services.attachment_add(
                    user=user,
                    contract=contract,
                    kind="signed_contract",
                    uploaded=SimpleUploadedFile("合同.pdf", pdf),
                )
            _run(contract, outcome, user=user, officer=officer, signed=signed, today=today, rng=rng)
        except ValidationError:
            continue  # e.g. caught as a duplicate; the demo simply has one fewer
        created += 1
        counts[outcome] = counts.get(outcome, 0) + 1
    summary = {"新建合同": created}
    summary.update({str(Status(k).label): v for k, v in sorted(counts.items())})
    summary["变更/注销申请"] = _change_requests()
    return summary


def _change_requests() -> int:
    """Two applicants' requests waiting in the registry's queue: an amendment, a cancellation."""
    if ChangeRequest.objects.exists():
        return 0
    registered = Contract.objects.filter(status=Status.REGISTERED).order_by("registered_on", "id")
    made = 0
    for contract, kind in zip(registered[:2], ("amend", "cancel"), strict=False):
        applicant = contract.created_by
        if applicant is None:
            continue
        services.change_request_submit(
            user=applicant,
            contract=contract,
            kind=kind,
            reason="双方签订补充协议，增加二期技术服务内容"
            if kind == "amend"
            else "项目终止，双方协议解除合同",
            changes={"total_amount": contract.total_amount + 100000} if kind == "amend" else None,
        )
        made += 1
    return made


def _run(contract, outcome, *, user, officer, signed, today, rng):
    if outcome == Status.DRAFT:
        return
    contract = services.contract_submit(user=user, contract=contract, explanation="演示数据")
    submitted = min(signed + timedelta(days=rng.randrange(1, 3)), today)
    # Backdate the submission so the queue reads like a real year (demo data only).
    Contract.objects.filter(pk=contract.pk).update(
        submitted_at=timezone.make_aware(datetime.combine(submitted, time(9, 30)))
    )
    if outcome == Status.SUBMITTED:
        return
    if outcome == Status.WITHDRAWN:
        services.contract_withdraw(user=user, contract=contract)
        return
    accepted = min(submitted + timedelta(days=rng.randrange(1, 5)), today)
    contract = services.contract_accept(user=officer, contract=contract, on=accepted)
    if outcome == Status.ACCEPTED:
        return
    if outcome == Status.RETURNED:
        services.contract_return(
            user=officer, contract=contract, reason="请补充加盖骑缝章的合同文本"
        )
        return
    contract = services.contract_start_review(user=officer, contract=contract)
    if outcome == Status.REVIEWING:
        return
    if outcome == Status.REFUSED:
        services.contract_refuse(
            user=officer,
            contract=contract,
            grounds=["unclear_price"],
            note="合同未约定价款支付方式",
        )
        return
    registered = min(accepted + timedelta(days=rng.randrange(2, 20)), today)
    contract = services.contract_register(user=officer, contract=contract, on=registered)
    if outcome == Status.CANCELLED:
        services.contract_cancel(user=officer, contract=contract, reason="双方协议解除合同")
