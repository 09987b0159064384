"""Demo market: the shipped sample corpus, generated listings, inquiries in every state."""

import json
import random
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from core.demo import demo_organizations
from core.models import Membership, Organization
from core.vocabularies import vocabulary_canonical
from ip_registry.models import Holding
from marketplace import services
from marketplace.models import (
    CooperationMode,
    Inquiry,
    TechnologyDemandPage,
    TechnologyResultPage,
)

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus.jsonl"
MIN_GENERATED = 20

# Per industry: (subject, keywords) pairs the generated titles and keywords draw from.
TOPICS = {
    "精细化工": [
        ("油田破乳剂", "破乳剂 原油脱水"),
        ("水处理阻垢剂", "阻垢剂 循环水"),
        ("环保型增塑剂", "增塑剂 环保"),
        ("聚合物驱油剂", "驱油剂 三次采油"),
    ],
    "海洋工程": [
        ("海上平台防腐涂层", "防腐涂层 海洋平台"),
        ("海底管道检测机器人", "管道检测 机器人"),
        ("船舶压载水处理装置", "压载水 船舶"),
    ],
    "石油装备": [
        ("智能抽油机控制系统", "抽油机 智能控制"),
        ("连续油管作业装备", "连续油管 修井"),
        ("井下安全阀", "安全阀 完井"),
    ],
    "先进装备制造": [
        ("大型压力容器焊接工艺", "焊接 压力容器"),
        ("数控机床误差补偿", "数控机床 精度"),
        ("工业机器人视觉定位", "机器人 机器视觉"),
    ],
    "电子信息": [
        ("油田物联网数据采集终端", "物联网 数据采集"),
        ("化工园区安全监测平台", "安全监测 园区"),
        ("边缘计算网关", "边缘计算 网关"),
    ],
    "节能环保": [
        ("含油污泥资源化处理", "含油污泥 资源化"),
        ("VOCs 催化燃烧装置", "VOCs 催化燃烧"),
        ("余热回收换热器", "余热回收 换热器"),
    ],
    "新材料": [
        ("碳纤维复合材料", "碳纤维 复合材料"),
        ("石墨烯导热膜", "石墨烯 导热"),
        ("高性能聚丙烯", "聚丙烯 改性"),
    ],
    "新能源": [
        ("光伏组件清洗机器人", "光伏 清洗机器人"),
        ("碱性电解水制氢", "制氢 电解水"),
        ("储能电池热管理", "储能 热管理"),
    ],
    "现代农业": [
        ("盐碱地水稻种植技术", "盐碱地 水稻"),
        ("河蟹生态养殖", "河蟹 稻蟹共生"),
        ("稻田尾水净化", "尾水 净化"),
    ],
}
RESULT_HEADS = ["新型", "高效", "低成本", "智能化", "长寿命"]
DEMAND_HEADS = ["寻求", "征集", "急需"]
MESSAGES = [
    "贵单位的成果与我公司现有装置匹配度较高，想了解中试数据和投资规模。",
    "请提供技术资料和报价，我方可安排技术人员现场交流。",
    "我们有意向采用许可方式合作，请问是否接受分期付款？",
    "能否提供样品在我方装置上试用一个月？",
]
REPLIES = ["欢迎来访，已发送技术资料，请查收。", "可以安排样品试用，请告知联系人。"]


def _corpus_rows() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _generated_rows(*, count: int, organizations: list[dict], rng: random.Random) -> list[dict]:
    modes = [m.name for m in CooperationMode.objects.all()]
    rows = []
    for i in range(count):
        org = organizations[i % len(organizations)]
        industry = org["industry"] if org["industry"] in TOPICS else rng.choice(list(TOPICS))
        subject, keywords = rng.choice(TOPICS[industry])
        kind = "demand" if i % 4 == 3 else "technology"
        if kind == "technology":
            title = f"{rng.choice(RESULT_HEADS)}{subject}技术（{i + 1:04d}）"
            gain, saving = rng.randint(15, 60), rng.randint(10, 40)
            summary = f"{subject}关键指标较现有产品提升 {gain}%，成本降低 {saving}%。"
            trl: int | None = rng.randint(4, 9)
        else:
            title = f"{rng.choice(DEMAND_HEADS)}{subject}解决方案（{i + 1:04d}）"
            summary = f"现有{subject}运行效果不理想，需在 {rng.randint(3, 12)} 个月内完成改造。"
            trl = rng.choice([None, 5, 6, 7])
        price = rng.choice([None, *range(10, 300, 10)])
        rows.append(
            {
                "external_id": f"DEMO-{'T' if kind == 'technology' else 'D'}-{i + 1:05d}",
                "kind": kind,
                "title": title,
                "summary": summary,
                "body": f"{summary}\n适用于盘锦及周边{industry}企业。",
                "industry": industry,
                "trl": trl,
                "modes": rng.sample(modes, k=rng.randint(1, 3)),
                "price_wan": price,
                "owner_name": org["name"],
                "district": org["district"],
                "keywords": keywords.split(),
                "patents": [],
            }
        )
    return rows


def _seed_inquiries(*, rng: random.Random, count: int) -> dict:
    User = get_user_model()
    members = list(User.objects.filter(username__startswith="member").order_by("username"))
    listings = list(TechnologyResultPage.objects.live().order_by("pk")) + list(
        TechnologyDemandPage.objects.live().order_by("pk")
    )
    if not members or not listings:
        return {}
    states = [
        Inquiry.Status.NEW,
        Inquiry.Status.NEGOTIATING,
        Inquiry.Status.DEAL,
        Inquiry.Status.CLOSED,
    ]
    staffed = set(Membership.objects.values_list("organization_id", flat=True))
    created = 0
    now = timezone.now()
    for i in range(count):
        buyer = members[i % len(members)]
        own = set(buyer.memberships.values_list("organization_id", flat=True))
        # Listings whose organisation has demo members, so someone can answer.
        candidates = [
            p for p in listings if p.organization_id in staffed and p.organization_id not in own
        ]
        listing = candidates[(i * 7) % len(candidates)]
        if Inquiry.objects.filter(buyer=buyer, listing_id=listing.pk).exists():
            continue
        # Spread over the last six months, at least an hour apart per buyer (rate limit).
        at = now - timedelta(days=rng.randint(1, 180), hours=i)
        inquiry = services.inquiry_create(
            buyer=buyer,
            listing=listing,
            message=rng.choice(MESSAGES),
            mode=listing.modes.first(),
            budget_wan=Decimal(rng.randint(10, 200)),
            now=at,
        )
        created += 1
        target = states[i % len(states)]
        seller = services._members(listing.organization).first()
        if target == Inquiry.Status.NEW or seller is None:
            continue
        services.inquiry_reply(user=seller, inquiry=inquiry, body=rng.choice(REPLIES))
        if target == Inquiry.Status.DEAL:
            services.inquiry_transition(
                user=seller,
                inquiry=inquiry,
                status=Inquiry.Status.DEAL,
                deal_price_wan=Decimal(rng.randint(10, 150)),
                deal_mode=inquiry.mode or listing.modes.first() or CooperationMode.objects.first(),
                note="双方已签订意向协议",
            )
        elif target == Inquiry.Status.CLOSED:
            services.inquiry_transition(
                user=seller, inquiry=inquiry, status=Inquiry.Status.CLOSED, note="暂不合作"
            )
        # The thread happened in the days after the inquiry, not at seeding time.
        ended = min(at + timedelta(days=rng.randint(3, 30)), now)
        for step, message in enumerate(inquiry.messages.order_by("pk")[1:], start=1):
            message.created_at = min(at + timedelta(days=step), ended)
            message.save(update_fields=["created_at"])
        if target in (Inquiry.Status.DEAL, Inquiry.Status.CLOSED):
            Inquiry.objects.filter(pk=inquiry.pk).update(closed_at=ended)
    counts = dict(Inquiry.objects.order_by().values_list("status").annotate(n=Count("pk")))
    return {"新建询价": created, **{Inquiry.Status(k).label: v for k, v in counts.items()}}


def _link_registry_patents(*, rows: list[dict], organizations: list[dict]) -> None:
    """Name patents the owner really holds in the demo registry, so pages show live status.

    Technology rows get up to two of their owner's patents (some of which have lapsed, which
    the page then flags); the sample's own numbers are not in the demo registry.
    """
    uscc_by_name = {o["name"]: o["uscc"] for o in organizations}
    held: dict[str, list[str]] = {}
    for uscc, number in (
        Holding.objects.filter(holder_uscc__in=list(uscc_by_name.values()), end_date__isnull=True)
        .order_by("holder_uscc", "patent__application_number")
        .values_list("holder_uscc", "patent__application_number")
    ):
        held.setdefault(uscc, []).append(number)
    used: dict[str, int] = {}
    for row in rows:
        if row["kind"] != "technology":
            continue
        numbers = held.get(uscc_by_name.get(row["owner_name"], ""), [])
        if not numbers:
            continue
        start = used.get(row["owner_name"], 0)
        row["patents"] = [numbers[(start + k) % len(numbers)] for k in range(min(2, len(numbers)))]
        used[row["owner_name"]] = start + 2


def seed(*, scale, progress) -> dict:
    rng = random.Random(2017023)  # noqa: S311 - demo data, deterministic on purpose
    organizations = [
        row
        for row in demo_organizations(count=scale.organizations)
        if Organization.objects.filter(uscc=row["uscc"]).exists()
    ]
    # The corpus's owners are attached to demo organisations of the same industry, so the demo
    # members own listings and the organisation list stays the core demo's.
    corpus = _corpus_rows()
    by_industry: dict[str, list[str]] = {}
    for row in organizations:
        by_industry.setdefault(row["industry"], []).append(row["name"])
    for i, row in enumerate(corpus):
        industry = vocabulary_canonical("industry", [row["industry"]])[0]
        names = by_industry.get(industry) or [o["name"] for o in organizations]
        row["owner_name"] = names[i % len(names)]
    generated = _generated_rows(
        count=max(scale.listings - len(corpus), MIN_GENERATED), organizations=organizations, rng=rng
    )
    _link_registry_patents(rows=corpus + generated, organizations=organizations)
    outcomes: dict[str, int] = {}
    with services.mail_muted():
        for row in progress(corpus + generated, desc="技术市场挂牌"):
            outcome = services.listing_import_row(row=row)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        inquiries = _seed_inquiries(rng=rng, count=max(scale.listings // 10, 24))
    return {
        "挂牌": len(corpus) + len(generated),
        "新建挂牌": outcomes.get("created", 0),
        "更新挂牌": outcomes.get("updated", 0),
        **inquiries,
    }
