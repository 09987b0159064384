"""Demo register: enterprises, designations 2016–2020 and patents with status histories.

Coverage is built year by year so that it crosses the plan's 40% in 2017 and 60% in 2019:
enterprises that hold a patent in force keep it, and each year enough designated enterprises
receive their first grant to reach that year's planned share.
"""

import math
import random
from datetime import date, timedelta
from decimal import Decimal

from core.demo import NAME_HEADS, NAME_TRADES, demo_organizations
from core.identifiers import make_patent_number, make_uscc
from core.models import District, Industry, Organization
from ip_registry.imports.cells import parse_ipc
from ip_registry.imports.patents import classifications_insert
from ip_registry.models import (
    Designation,
    DesignationType,
    Enterprise,
    Holding,
    LegalStatus,
    LegalStatusEvent,
    Patent,
    RDExpenditure,
    RDInstitution,
    StatusPeriod,
    add_years,
    name_key,
)
from ip_registry.services import status_periods_compute

YEARS = range(2016, 2021)
# Share of all enterprises designated 规上科技型 each year, and the coverage reached that year.
DESIGNATED_SHARE = {2016: 0.45, 2017: 0.50, 2018: 0.55, 2019: 0.60, 2020: 0.65}
COVERAGE = {2016: 0.34, 2017: 0.43, 2018: 0.53, 2019: 0.63, 2020: 0.68}
OTHER_DESIGNATIONS = {  # share of enterprises per year
    "high_tech": (0.20, 0.24, 0.28, 0.32, 0.36),
    "little_giant": (0.10, 0.14, 0.18, 0.22, 0.24),
    "leader": (0.02, 0.03, 0.04, 0.05, 0.06),
}
TITLES = {
    "精细化工": ["一种稠油降黏剂及其制备方法", "一种油田用阻垢剂", "一种高效破乳剂的合成工艺"],
    "海洋工程": ["一种海上平台防腐结构", "一种海底管道检测装置", "一种系泊缆张力监测系统"],
    "石油装备": ["一种抽油机节能控制装置", "一种钻杆接头密封结构", "一种井口防喷装置"],
    "先进装备制造": ["一种数控机床夹具", "一种焊接机器人定位机构", "一种减速器齿轮修形方法"],
    "电子信息": ["一种油井远程监控系统", "一种工业物联网网关", "一种基于图像的仪表读数方法"],
    "节能环保": ["一种含油污泥处理方法", "一种余热回收换热器", "一种VOCs 吸附回收装置"],
    "新材料": ["一种改性沥青材料", "一种碳纤维复合管材", "一种耐盐碱高分子膜"],
    "新能源": ["一种光伏支架跟踪装置", "一种氢气纯化工艺", "一种储能电池热管理系统"],
    "现代农业": ["一种稻蟹共生养殖方法", "一种盐碱地水稻育秧基质", "一种河蟹饲料及制备方法"],
}
IPC_BY_INDUSTRY = {
    "精细化工": "C09K 8/584",
    "海洋工程": "E02B 17/00",
    "石油装备": "E21B 33/03",
    "先进装备制造": "B23K 37/02",
    "电子信息": "G06F 16/00",
    "节能环保": "C02F 11/00",
    "新材料": "C08L 95/00",
    "新能源": "H01M 10/60",
    "现代农业": "A01K 61/00",
}
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Share of designated 规上科技型 enterprises with an R&D institution, per year: meets the plan's
# 50% in 2017, is on the path to 100% in 2018 and falls short of it in 2019–2020.
RD_INSTITUTION_SHARE = {2016: 0.30, 2017: 0.55, 2018: 0.80, 2019: 0.92, 2020: 0.96}
RD_KINDS = [
    (RDInstitution.Kind.ENTERPRISE_CENTER, "企业技术中心"),
    (RDInstitution.Kind.ENGINEERING_CENTER, "工程技术研究中心"),
    (RDInstitution.Kind.KEY_LAB, "重点实验室"),
]
RD_LEVELS = [
    RDInstitution.Level.MUNICIPAL,
    RDInstitution.Level.MUNICIPAL,
    RDInstitution.Level.PROVINCIAL,
    RDInstitution.Level.NATIONAL,
]


def _enterprise_rows(scale) -> list[dict]:
    """Core's demo organisations first (same USCCs), then generated enterprises."""
    rows = [dict(r) for r in demo_organizations(count=scale.organizations)]
    rng = random.Random(20170324)  # noqa: S311 - demo data, deterministic on purpose
    districts = list(District.objects.values_list("name", "division_code"))
    seen = {r["name"] for r in rows}
    industries = list(NAME_TRADES)
    n = 0
    while len(rows) < max(scale.enterprises, scale.organizations):
        n += 1
        industry = industries[n % len(industries)]
        district, code = districts[rng.randrange(len(districts))]
        name = f"盘锦{rng.choice(NAME_HEADS)}{rng.choice(NAME_TRADES[industry])}有限公司"
        if name in seen:
            name = name.replace("有限公司", f"{n}号有限公司")
        seen.add(name)
        body = "MC" + "".join(ORG_ALPHABET[(n // 31**i) % 31] for i in range(6))
        rows.append(
            {
                "name": name,
                "kind": Organization.Kind.ENTERPRISE,
                "district": district,
                "industry": industry,
                "uscc": make_uscc(f"91{code or '211100'}", body),
            }
        )
    return rows


class _Numbers:
    def __init__(self):
        self.serial = 5_000_000

    def __call__(self, year: int, type_digit: str) -> str:
        self.serial += 1
        return make_patent_number(year, type_digit, self.serial)


def seed(*, scale, progress) -> dict:
    rng = random.Random(20170316)  # noqa: S311 - demo data, deterministic on purpose
    districts = {d.name: d.pk for d in District.objects.all()}
    industries = {i.name: i.pk for i in Industry.objects.all()}
    rows = _enterprise_rows(scale)
    existing = set(Enterprise.objects.values_list("uscc", flat=True))
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=r["uscc"],
                name=r["name"],
                name_key=name_key(r["name"]),
                district_id=districts.get(r["district"]),
                industry_id=industries.get(r["industry"]),
                org_type=r["kind"],
            )
            for r in progress(rows, desc="登记企业")
            if r["uscc"] not in existing
        ],
        batch_size=1000,
    )
    enterprises = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=[r["uscc"] for r in rows])}
    ordered = [enterprises[r["uscc"]] for r in rows]
    companies = [e for e in ordered if e.org_type == Organization.Kind.ENTERPRISE]
    institutions = [e for e in ordered if e.org_type != Organization.Kind.ENTERPRISE]
    industry_names = {pk: name for name, pk in industries.items()}

    # Designations: a stable rank decides who is designated each year (the set grows).
    types = {t.code: t for t in DesignationType.objects.all()}
    rank = {e.pk: rng.random() for e in companies}
    by_rank = sorted(companies, key=lambda e: rank[e.pk])
    designations = []
    designated = {}
    for year in YEARS:
        count = max(1, round(DESIGNATED_SHARE[year] * len(companies)))
        designated[year] = by_rank[:count]
        designations += [
            Designation(
                enterprise=e,
                designation_type=types["gs_tech"],
                year=year,
                source=f"盘锦市科技局 {year} 年规模以上科技型企业名单",
            )
            for e in designated[year]
        ]
        for code, shares in OTHER_DESIGNATIONS.items():
            share = shares[year - 2016]
            chosen = by_rank[: max(1, round(share * len(companies)))]
            designations += [
                Designation(
                    enterprise=e,
                    designation_type=types[code],
                    year=year,
                    source=f"{year} 年{types[code].name}认定文件",
                )
                for e in chosen
            ]
    Designation.objects.bulk_create(designations, batch_size=1000, ignore_conflicts=True)
    # Its own generator: the patents below come out the same whether or not this runs.
    _seed_rd(by_rank=by_rank, designated=designated, rng=random.Random(20170400))  # noqa: S311

    # Who holds a patent in force at each year's end: nested sets reaching COVERAGE[year].
    first_grant_year = {}
    holders: list = []
    for year in YEARS:
        pool = [e for e in designated[year] if e.pk not in first_grant_year]
        rng.shuffle(pool)
        need = math.ceil(COVERAGE[year] * len(designated[year])) - len(holders)
        for e in pool[: max(0, need)]:
            first_grant_year[e.pk] = year
            holders.append(e)

    numbers = _Numbers()
    plans: list[
        tuple
    ] = []  # (number, title, filing, holders [(enterprise, start)], events, fees_paid_until)
    today = date.today()

    def title_for(e):
        return rng.choice(TITLES.get(industry_names.get(e.industry_id), TITLES["精细化工"]))

    def granted_plan(e, grant_year, *, lapse=None, type_digit=None):
        type_digit = type_digit or rng.choice("1122")
        lag = 2 if type_digit == "1" else 1
        filing = date(grant_year - lag, rng.randint(1, 12), rng.randint(1, 28))
        grant = date(grant_year, rng.randint(1, 10), rng.randint(1, 28))
        events = [(LegalStatus.PENDING, filing), (LegalStatus.GRANTED, grant)]
        if lapse:
            events.append((LegalStatus.LAPSED, lapse))
        plans.append(
            (numbers(filing.year, type_digit), title_for(e), filing, [(e, filing)], events, None)
        )

    # Anchor patents: the first grant of each holder; utility models and designs of early
    # holders would expire before today, so anchors of 2016–2017 are inventions.
    for e in holders:
        year = first_grant_year[e.pk]
        granted_plan(e, year, type_digit="1" if year <= 2017 else None)
    budget = scale.patents - len(plans)

    def since(e) -> int:
        # Later patents of a holder never predate its first grant, so coverage stays as planned.
        return first_grant_year.get(e.pk, 2014)

    # Realistic histories for the rest of the budget.
    pending_pool = [e for e in companies if e.pk not in first_grant_year] or companies
    while budget > 0:
        kind = rng.random()
        e = rng.choice(holders or companies)
        if kind < 0.45:  # another granted patent of a holder
            granted_plan(e, rng.randint(since(e), 2024))
        elif kind < 0.55:  # granted, then lapsed for unpaid fees (a holder keeps its anchor)
            year = rng.randint(since(e), 2021)
            granted_plan(e, year, lapse=date(year + rng.randint(2, 4), rng.randint(1, 12), 15))
        elif kind < 0.63:  # granted and later transferred to another holder
            buyer = rng.choice(holders or companies)
            grant = date(rng.randint(since(e), 2021), rng.randint(1, 10), rng.randint(1, 28))
            filing = grant - timedelta(days=rng.randint(300, 900))
            moved = max(grant + timedelta(days=rng.randint(100, 1500)), date(since(buyer), 1, 1))
            plans.append(
                (
                    numbers(filing.year, "1"),
                    title_for(e),
                    filing,
                    [(e, filing), (buyer, moved)],
                    [(LegalStatus.PENDING, filing), (LegalStatus.GRANTED, grant)],
                    None,
                )
            )
        elif kind < 0.85:  # applications by non-holders: pending, rejected or withdrawn
            e = rng.choice(pending_pool)
            filing = date(rng.randint(2015, today.year - 1), rng.randint(1, 12), rng.randint(1, 28))
            events = [(LegalStatus.PENDING, filing)]
            outcome = rng.random()
            if outcome < 0.3:
                events.append(
                    (LegalStatus.REJECTED, filing + timedelta(days=rng.randint(500, 900)))
                )
            elif outcome < 0.45:
                events.append(
                    (LegalStatus.WITHDRAWN, filing + timedelta(days=rng.randint(400, 800)))
                )
            events = [ev for ev in events if ev[1] <= today]
            plans.append(
                (numbers(filing.year, "1"), title_for(e), filing, [(e, filing)], events, None)
            )
        elif kind < 0.93:  # a university or institute's patent (holders outside enterprises)
            owner = rng.choice(institutions or companies)
            granted_plan(owner, rng.randint(2015, 2023), type_digit="1")
        else:  # annual fee overdue: in the six-month grace period today
            year = rng.randint(max(since(e), 2017), 2022)
            granted_plan(e, year, type_digit="1")
            filing = plans[-1][2]
            due = add_years(filing, today.year - filing.year)
            if due >= today:
                due = add_years(filing, today.year - filing.year - 1)
            plans[-1] = (*plans[-1][:5], due)
        budget -= 1

    known = set(
        Patent.objects.filter(application_number__in=[p[0] for p in plans]).values_list(
            "application_number", flat=True
        )
    )
    new = [p for p in plans if p[0] not in known]
    patents = []
    for number, title, filing, _, events, fees in new:
        granted_on = next((d for s, d in events if s == LegalStatus.GRANTED), None)
        patent = Patent(
            application_number=number,
            title=title,
            filing_date=filing,
            grant_date=granted_on,
            grant_number=f"CN{number[:12][-9:]}B" if granted_on and number[4] == "1" else "",
            fees_paid_until=fees,
        )
        patent.fill_derived()
        patents.append(patent)
    Patent.objects.bulk_create(progress(patents, desc="专利"), batch_size=1000)
    by_number = {p.application_number: p for p in patents}
    status_events: list[LegalStatusEvent] = []
    periods: list[StatusPeriod] = []
    holdings: list[Holding] = []
    for number, _, _, owners, history, _ in new:
        patent = by_number[number]
        status_events += [
            LegalStatusEvent(patent=patent, status=s, date=d, source="演示数据") for s, d in history
        ]
        periods += [
            StatusPeriod(patent=patent, status=s, start_date=a, end_date=b)
            for s, a, b in status_periods_compute(history, expiry=patent.expiry_date)
        ]
        for i, (owner, start) in enumerate(owners):
            end = owners[i + 1][1] if i + 1 < len(owners) else None
            holdings.append(
                Holding(
                    patent=patent,
                    enterprise=owner,
                    holder_name=owner.name,
                    holder_uscc=owner.uscc,
                    start_date=start,
                    end_date=end,
                )
            )
        patent.ipc = IPC_BY_INDUSTRY.get(
            industry_names.get(owners[0][0].industry_id) or "", "C09K 8/584"
        )
    LegalStatusEvent.objects.bulk_create(status_events, batch_size=2000)
    StatusPeriod.objects.bulk_create(periods, batch_size=2000)
    Holding.objects.bulk_create(holdings, batch_size=2000)
    # Split as an imported file's IPC column is, by the importer's own parser and writer.
    classifications_insert((p.pk, parse_ipc(p.ipc)) for p in patents)
    Patent.objects.bulk_update(patents, ["ipc"], batch_size=1000)
    return {
        "企业": len(ordered),
        "认定": Designation.objects.count(),
        "专利": Patent.objects.count(),
        "新建专利": len(patents),
    }


def _seed_rd(*, by_rank: list, designated: dict, rng: random.Random) -> None:
    """R&D institutions (the same stable rank decides who has one) and R&D spending of the
    designated enterprises, most above the plan's 3% of sales, some below."""
    if RDInstitution.objects.exists():
        return
    since: dict[int, int] = {}
    for year in YEARS:
        need = math.ceil(RD_INSTITUTION_SHARE[year] * len(designated[year]))
        for e in by_rank[:need]:
            since.setdefault(e.pk, year)
    institutions = []
    for e in by_rank:
        if e.pk not in since:
            continue
        kind, label = RD_KINDS[e.pk % len(RD_KINDS)]
        level = RD_LEVELS[e.pk % len(RD_LEVELS)]
        institutions.append(
            RDInstitution(
                enterprise=e,
                name=f"{e.name.removesuffix('有限公司')}{label}",
                kind=kind,
                level=level,
                year=since[e.pk],
                source=f"{since[e.pk]} 年{RDInstitution.Level(level).label}{label}认定文件",
            )
        )
    RDInstitution.objects.bulk_create(institutions, batch_size=1000)
    spending = []
    for year in YEARS:
        for e in designated[year]:
            revenue = Decimal(rng.randrange(2_000, 60_000))
            share = Decimal(str(round(rng.uniform(1.8, 5.6), 2)))
            spending.append(
                RDExpenditure(
                    enterprise=e,
                    year=year,
                    revenue=revenue,
                    rd_expense=(revenue * share / 100).quantize(Decimal("0.01")),
                    source=f"{year} 年企业研发投入统计",
                )
            )
    RDExpenditure.objects.bulk_create(spending, batch_size=1000, ignore_conflicts=True)
