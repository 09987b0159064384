"""The action plan's quantified targets as editable data, lead departments, roles, and the rows the
IP registry's former "规划指标" snippet held (targets edited there and values entered there).

Targets come from the plan text (盘政办发〔2017〕16号, DOMAIN.md). The plan names its lead
departments per task; where that text is not at hand the obvious department is chosen and the
indicator's note says "牵头单位待核对" — the plan office corrects it in the admin. Task numbers
are filled where known (task 23: the online market and contract registration; task 24: the
patent plan) and left blank otherwise.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import migrations

DEPARTMENTS = [
    ("kjj", "市科技局"),
    ("gxj", "市工信局"),
    ("fgw", "市发改委"),
    ("tjj", "市统计局"),
    ("rsj", "市人社局"),
    ("jrb", "市金融办"),
    ("jyj", "市教育局"),
]

CHECK = "牵头单位待按计划原文核对（可在后台修改）"

# code, name, unit, task, department, source, computation, designation codes, measure,
# interpolate, district_assessed, districts_share_city_target, note, {year: target}
INDICATORS = [
    ("patent_coverage", "规模以上科技型企业专利覆盖率", "%", 24, "kjj", "computed", "patent_coverage", "", "level", True, True, True, "2017 年 40%，2019 年 60% 以上", {2017: 40, 2019: 60}),
    ("invention_applications", "发明专利申请量", "件", 24, "kjj", "computed", "invention_applications", "", "annual", False, False, False, "2019 年超过 600 件", {2019: 600}),
    ("little_giant_total", "小巨人企业总数", "家", None, "kjj", "computed", "designation_total", "little_giant", "level", True, True, False, "2019 年达到 230 家；" + CHECK, {2019: 230}),
    ("little_giant_new", "新增小巨人企业", "家", None, "kjj", "computed", "designation_new", "little_giant", "annual", False, False, False, "2017 年新增 50 家；" + CHECK, {2017: 50}),
    ("high_tech", "高新技术企业（累计认定）", "家", None, "kjj", "computed", "designation_total", "high_tech", "level", True, True, False, "2017 年 45 家，2019 年 80 家以上；" + CHECK, {2017: 45, 2019: 80}),
    ("leader", "创新型领军企业", "家", None, "kjj", "computed", "designation_total", "leader", "level", True, False, False, "2017 年 5 家，2019 年 15 家；" + CHECK, {2017: 5, 2019: 15}),
    ("rd_institution_share", "建有研发机构的规上科技型企业比例", "%", None, "kjj", "computed", "rd_institution_share", "", "level", True, True, True, "2017 年 50%，2019 年 100%；" + CHECK, {2017: 50, 2019: 100}),
    ("rd_gdp", "全社会研发经费支出占 GDP 比重", "%", None, "tjj", "reported", "", "", "level", True, False, False, "2017 年 1.6%，2019 年 2.5%；统计部门数据；" + CHECK, {2017: Decimal("1.6"), 2019: Decimal("2.5")}),
    ("rd_sales", "高新技术企业、小巨人企业研发投入占销售收入比重", "%", None, "kjj", "computed", "rd_sales_ratio", "high_tech,little_giant", "level", False, True, True, "超过 3%；按登记的企业研发投入计算；" + CHECK, {2017: 3, 2018: 3, 2019: 3}),
    ("core_projects", "核心技术攻关项目", "项", None, "kjj", "reported", "", "", "annual", False, False, False, "每年 20 项；" + CHECK, {2017: 20, 2018: 20, 2019: 20}),
    ("research_institutes_new", "新建市级以上产业技术研究院", "家", None, "kjj", "reported", "", "", "annual", False, False, False, "2017 年新建 5 家；" + CHECK, {2017: 5}),
    ("research_institutes_total", "市级以上产业技术研究院（累计）", "家", None, "kjj", "reported", "", "", "level", True, False, False, "2019 年达到 20 家；" + CHECK, {2019: 20}),
    ("platforms", "产业技术创新平台", "个", None, "fgw", "reported", "", "", "level", True, False, False, "2019 年 10 个以上；" + CHECK, {2019: 10}),
    ("alliances", "产业技术创新联盟", "个", None, "gxj", "reported", "", "", "level", True, False, False, "2019 年 10 个以上；" + CHECK, {2019: 10}),
    ("high_level_talents", "引进高层次人才", "名", None, "rsj", "reported", "", "", "level", True, False, False, "2019 年 50 名；" + CHECK, {2019: 50}),
    ("urgent_talents", "引进急需紧缺人才", "名", None, "rsj", "reported", "", "", "level", True, False, False, "2019 年 2000 名；" + CHECK, {2019: 2000}),
    ("skilled_workers", "高技能人才", "名", None, "rsj", "reported", "", "", "level", True, False, False, "2019 年超过 5 万名；" + CHECK, {2019: 50000}),
    ("venture_funds", "创业投资子基金", "支", None, "jrb", "reported", "", "", "level", True, False, False, "2019 年 5 支以上；" + CHECK, {2019: 5}),
    ("listed_enterprises", "上市企业", "家", None, "jrb", "reported", "", "", "level", True, False, False, "2019 年 10 家以上；" + CHECK, {2019: 10}),
    ("international_cooperation", "国际科技合作交流活动", "次", None, "kjj", "reported", "", "", "annual", False, False, False, "计划未给出数量目标，监测指标；" + CHECK, {}),
    ("talent_training", "校企联合培养专业技术人才", "名", None, "jyj", "reported", "", "", "annual", False, False, False, "计划未给出数量目标，监测指标；" + CHECK, {}),
    ("contracts_count", "技术合同认定登记数", "项", 23, "kjj", "computed", "contracts_count", "", "annual", False, False, False, "计划未给出数量目标，监测指标", {}),
    ("contracts_total", "技术合同成交额", "万元", 23, "kjj", "computed", "contracts_total", "", "annual", False, False, False, "计划未给出数量目标，监测指标", {}),
    ("contracts_technical", "技术合同技术交易额", "万元", 23, "kjj", "computed", "contracts_technical", "", "annual", False, False, False, "计划未给出数量目标，监测指标", {}),
    ("market_deals", "技术市场成交项目", "项", 23, "kjj", "computed", "market_deals", "", "annual", False, False, False, "计划未给出数量目标，监测指标", {}),
    ("market_deal_value", "技术市场成交额", "万元", 23, "kjj", "computed", "market_deal_value", "", "annual", False, False, False, "计划未给出数量目标，监测指标", {}),
]

ONE_OFF = {"little_giant_new", "research_institutes_new"}

# What the registry's seed migration (ip_registry 0002) put in its snippet: rows still equal to
# these were never edited, and this migration's own targets replace them.
REGISTRY_SEEDED = {
    ("patent_coverage", 2017): 40, ("patent_coverage", 2019): 60,
    ("invention_applications", 2019): 600, ("little_giant", 2019): 230,
    ("high_tech", 2017): 45, ("high_tech", 2019): 80, ("leader", 2017): 5, ("leader", 2019): 15,
    ("rd_gdp", 2017): Decimal("1.6"), ("rd_gdp", 2019): Decimal("2.5"), ("rd_sales", 2019): 3,
    ("rd_institutions", 2017): 50, ("rd_institutions", 2019): 100,
    ("core_projects", 2017): 20, ("core_projects", 2018): 20, ("core_projects", 2019): 20,
    ("research_institutes", 2017): 5, ("research_institutes", 2019): 20,
    ("platforms", 2019): 10, ("alliances", 2019): 10, ("high_level_talents", 2019): 50,
    ("urgent_talents", 2019): 2000, ("skilled_workers", 2019): 50000,
    ("venture_funds", 2019): 5, ("listed_enterprises", 2019): 10,
}

# The registry's former indicator codes → this app's.
FORMER_CODES = {
    "little_giant": "little_giant_total",
    "research_institutes": "research_institutes_total",
    "rd_institutions": "rd_institution_share",
}

RD_REQUIREMENTS = [(year, "high_tech,little_giant", Decimal("3")) for year in (2017, 2018, 2019, 2020)]

OFFICE_MODELS = ["indicator", "target", "department", "rdrequirement"]
ACTIONS = {"add": "Can add", "change": "Can change", "view": "Can view", "delete": "Can delete"}


def seed(apps, schema_editor):
    Department = apps.get_model("plan", "Department")
    Indicator = apps.get_model("plan", "Indicator")
    Target = apps.get_model("plan", "Target")
    RDRequirement = apps.get_model("plan", "RDRequirement")
    departments = {}
    for order, (code, name) in enumerate(DEPARTMENTS):
        departments[code], _ = Department.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
    for order, row in enumerate(INDICATORS):
        (code, name, unit, task, dept, source, computation, codes, measure, interpolate,
         assessed, share, note, targets) = row
        indicator, _ = Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "task": task,
                "lead_department": departments[dept],
                "source": source,
                "computation": computation,
                "designation_codes": codes,
                "measure": measure,
                "interpolate": interpolate,
                "district_assessed": assessed,
                "districts_share_city_target": share,
                "note": note,
                "sort_order": order,
                # One-off targets ("50 new in 2017") do not repeat after their year.
                "carry_forward": code not in ONE_OFF,
            },
        )
        for year, value in targets.items():
            Target.objects.update_or_create(
                indicator=indicator, year=year, district=None, defaults={"value": Decimal(value)}
            )
    for year, codes, share in RD_REQUIREMENTS:
        RDRequirement.objects.get_or_create(
            year=year,
            designation_codes=codes,
            defaults={"min_share": share, "note": "计划：高新技术企业、小巨人企业研发投入占销售收入超过 3%"},
        )
    _carry_registry_rows(apps)
    _grant(apps)


def _carry_registry_rows(apps):
    """Targets edited and values entered in the registry's former snippet survive the move."""
    try:
        OldYear = apps.get_model("ip_registry", "IndicatorYear")
    except LookupError:
        return
    Indicator = apps.get_model("plan", "Indicator")
    Target = apps.get_model("plan", "Target")
    Report = apps.get_model("plan", "Report")
    for old in OldYear.objects.select_related("indicator"):
        code = FORMER_CODES.get(old.indicator.code, old.indicator.code)
        indicator = Indicator.objects.filter(code=code).first()
        if indicator is None:
            continue
        seeded = REGISTRY_SEEDED.get((old.indicator.code, old.year))
        if old.target is not None and (seeded is None or Decimal(seeded) != old.target):
            Target.objects.update_or_create(
                indicator=indicator, year=old.year, district=None, defaults={"value": old.target}
            )
        if old.actual is not None and indicator.source == "reported":
            Report.objects.get_or_create(
                indicator=indicator,
                year=old.year,
                quarter=4,
                district=None,
                defaults={
                    "value": old.actual,
                    "note": old.note or "由知识产权登记的“规划指标”迁移",
                    "status": "accepted",
                    "due_date": date(old.year, 12, 31) + timedelta(days=31),
                    "created_by": old.updated_by,
                },
            )


def _grant(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    access_admin = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    for role in ("plan_office", "plan_reporter", "funding_officer"):
        Group.objects.get_or_create(name=role)
    office = Group.objects.get(name="plan_office")
    if access_admin is not None:
        office.permissions.add(access_admin)
    for model in OFFICE_MODELS:
        content_type, _ = ContentType.objects.get_or_create(app_label="plan", model=model)
        verbose = apps.get_model("plan", model)._meta.verbose_name
        for action, label in ACTIONS.items():
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"{label} {verbose}"},
            )
            office.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("plan", "0001_initial"),
        ("ip_registry", "0004_rd_institutions_and_spending"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]
    run_before = [("ip_registry", "0005_move_indicators_to_plan")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
