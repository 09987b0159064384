"""Deterministic demo organisations and users; other apps add their own `demo.seed`."""

import random
from dataclasses import dataclass

from core.identifiers import make_uscc
from core.models import District, Industry, Organization
from core.roles import Role
from core.services import user_create_with_role

ORG_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class Scale:
    name: str
    organizations: int
    enterprises: int
    patents: int
    listings: int
    contracts: int


SCALES = {
    "small": Scale(
        "small", organizations=16, enterprises=120, patents=600, listings=80, contracts=60
    ),
    "medium": Scale(
        "medium", organizations=60, enterprises=1_000, patents=6_000, listings=600, contracts=400
    ),
    "large": Scale(
        "large",
        organizations=300,
        enterprises=10_000,
        patents=60_000,
        listings=10_000,
        contracts=3_000,
    ),
}

DEMO_PASSWORD = "panjin-demo-2026"  # noqa: S105 - documented demo login, dev data only

# Real-sounding names of Panjin's universities, institutes and enterprises (fictional entities).
INSTITUTIONS = [
    ("大连理工大学盘锦校区", Organization.Kind.UNIVERSITY, "辽东湾新区", "精细化工"),
    ("辽宁石油化工大学盘锦研究院", Organization.Kind.INSTITUTE, "兴隆台区", "石油装备"),
    ("盘锦市农业科学研究院", Organization.Kind.INSTITUTE, "大洼区", "现代农业"),
    ("盘锦职业技术学院", Organization.Kind.UNIVERSITY, "兴隆台区", "先进装备制造"),
]
NAME_HEADS = [
    "辽河",
    "锦润",
    "华锦",
    "宏达",
    "海诚",
    "北方",
    "渤海",
    "中润",
    "恒盛",
    "兴隆",
    "湿地",
    "红海滩",
    "鼎信",
    "博润",
    "金碧",
    "盛世",
    "中蓝",
    "新能",
    "联成",
    "辽滨",
    "瑞德",
    "和运",
    "天工",
    "富海",
]
NAME_TRADES = {
    "精细化工": ["化学助剂", "精细化工", "新材料化学"],
    "海洋工程": ["海洋工程", "船舶重工", "海工装备"],
    "石油装备": ["石油装备", "钻采设备", "油田技术服务"],
    "先进装备制造": ["机械制造", "智能装备", "重工机械"],
    "电子信息": ["电子科技", "信息技术", "物联网科技"],
    "节能环保": ["环保科技", "节能技术", "环境工程"],
    "新材料": ["新材料", "复合材料", "高分子材料"],
    "新能源": ["新能源", "氢能科技", "光伏科技"],
    "现代农业": ["农业科技", "稻蟹生态", "种业"],
}


def demo_uscc(rng: random.Random, *, authority: str, district_code: str) -> str:
    body = "".join(rng.choice(ORG_CODE_ALPHABET) for _ in range(6))
    return make_uscc(f"{authority}{district_code}", "MA" + body)


def demo_organizations(*, count: int) -> list[dict]:
    """The same list every time: names, kinds, districts, industries and valid USCCs."""
    rng = random.Random(20170316)  # noqa: S311 - demo data, deterministic on purpose
    districts = dict(District.objects.values_list("name", "division_code"))
    rows = []
    for name, kind, district, industry in INSTITUTIONS[: min(count, len(INSTITUTIONS))]:
        rows.append(
            {
                "name": name,
                "kind": kind,
                "district": district,
                "industry": industry,
                "uscc": demo_uscc(
                    rng, authority="12", district_code=districts[district] or "211100"
                ),
            }
        )
    industries = list(NAME_TRADES)
    district_names = list(districts)
    seen = {row["name"] for row in rows}
    while len(rows) < count:
        industry = industries[len(rows) % len(industries)]
        name = f"盘锦{rng.choice(NAME_HEADS)}{rng.choice(NAME_TRADES[industry])}有限公司"
        if name in seen:
            name = name.replace("有限公司", f"（{len(rows)}）有限公司")
        seen.add(name)
        district = rng.choice(district_names)
        rows.append(
            {
                "name": name,
                "kind": Organization.Kind.ENTERPRISE,
                "district": district,
                "industry": industry,
                "uscc": demo_uscc(
                    rng, authority="91", district_code=districts[district] or "211100"
                ),
            }
        )
    return rows


def seed(*, scale: Scale, progress) -> dict:
    districts = {d.name: d for d in District.objects.all()}
    industries = {i.name: i for i in Industry.objects.all()}
    created = 0
    organizations = []
    for row in progress(demo_organizations(count=scale.organizations), desc="机构"):
        org, was_created = Organization.objects.update_or_create(
            uscc=row["uscc"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "district": districts.get(row["district"]),
                "industry": industries.get(row["industry"]),
            },
        )
        created += was_created
        organizations.append(org)

    staff = [
        ("admin", Role.ADMINISTRATOR, None),
        ("moderator", Role.MARKET_MODERATOR, None),
        ("registrar", Role.REGISTRY_OFFICER, None),
        ("ipofficer", Role.IP_OFFICER, None),
    ]
    members = [
        (f"member{i + 1}", Role.ENTERPRISE_MEMBER, org.uscc)
        for i, org in enumerate(organizations[:6])
    ]
    for username, role, uscc in staff + members:
        user_create_with_role(
            username=username,
            role=role,
            password=DEMO_PASSWORD,
            organization_uscc=uscc,
            email=f"{username}@demo.panjin-tech.example",
        )
    return {"机构": len(organizations), "新建机构": created, "用户": len(staff) + len(members)}
