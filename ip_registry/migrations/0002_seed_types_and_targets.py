"""Designation types and the action plan's targets (DOMAIN.md), as editable data."""

from decimal import Decimal

from django.db import migrations

DESIGNATION_TYPES = [
    ("gs_tech", "规模以上科技型企业", "规上科技型企业；规上科技企业；above_scale_tech", True),
    ("high_tech", "高新技术企业", "高企；国家高新技术企业；high_tech", False),
    ("little_giant", "小巨人企业", "科技小巨人；科技小巨人企业；little_giant", False),
    ("leader", "创新型领军企业", "领军企业；科技领军企业；leader", False),
    ("tech_sme", "科技型中小企业", "科技型中小企业；tech_sme", False),
]

# (code, name, unit, source, designation code, note, {year: target})
INDICATORS = [
    ("patent_coverage", "规模以上科技型企业专利覆盖率", "%", "coverage", "gs_tech", "", {2017: 40, 2019: 60}),
    ("invention_applications", "发明专利申请量", "件", "invention_applications", None, "2019 年超过 600 件", {2019: 600}),
    ("little_giant", "小巨人企业数量", "家", "designation_count", "little_giant", "2017 年新增 50 家，2019 年达到 230 家", {2019: 230}),
    ("high_tech", "高新技术企业数量", "家", "designation_count", "high_tech", "2019 年超过 80 家", {2017: 45, 2019: 80}),
    ("leader", "创新型领军企业数量", "家", "designation_count", "leader", "", {2017: 5, 2019: 15}),
    ("rd_gdp", "R&D 经费支出占 GDP 比重", "%", "manual", None, "统计部门数据，人工填报", {2017: Decimal("1.6"), 2019: Decimal("2.5")}),
    ("rd_sales", "高新技术企业和小巨人企业 R&D 占销售收入比重", "%", "manual", None, "超过 3%", {2019: 3}),
    ("rd_institutions", "建有研发机构的规上科技型企业比例", "%", "manual", None, "", {2017: 50, 2019: 100}),
    ("core_projects", "核心技术攻关项目", "项", "manual", None, "每年 20 项", {2017: 20, 2018: 20, 2019: 20}),
    ("research_institutes", "新型研发机构", "家", "manual", None, "2017 年新建 5 家，2019 年累计 20 家", {2017: 5, 2019: 20}),
    ("platforms", "创新平台", "个", "manual", None, "2019 年 10 个以上", {2019: 10}),
    ("alliances", "产业技术创新联盟", "个", "manual", None, "2019 年 10 个以上", {2019: 10}),
    ("high_level_talents", "高层次人才", "名", "manual", None, "", {2019: 50}),
    ("urgent_talents", "急需紧缺人才", "名", "manual", None, "", {2019: 2000}),
    ("skilled_workers", "高技能人才", "名", "manual", None, "2019 年超过 5 万名", {2019: 50000}),
    ("venture_funds", "创业投资子基金", "支", "manual", None, "2019 年 5 支以上", {2019: 5}),
    ("listed_enterprises", "上市企业", "家", "manual", None, "2019 年 10 家以上", {2019: 10}),
]


def seed(apps, schema_editor):
    DesignationType = apps.get_model("ip_registry", "DesignationType")
    Indicator = apps.get_model("ip_registry", "Indicator")
    IndicatorYear = apps.get_model("ip_registry", "IndicatorYear")
    types = {}
    for order, (code, name, aliases, base) in enumerate(DESIGNATION_TYPES):
        types[code], _ = DesignationType.objects.update_or_create(
            code=code,
            defaults={"name": name, "aliases": aliases, "is_coverage_base": base, "sort_order": order},
        )
    for order, (code, name, unit, source, dtype, note, targets) in enumerate(INDICATORS):
        indicator, _ = Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "source": source,
                "designation_type": types.get(dtype),
                "note": note,
                "sort_order": order,
            },
        )
        for year, value in targets.items():
            IndicatorYear.objects.update_or_create(
                indicator=indicator, year=year, defaults={"target": Decimal(value)}
            )


class Migration(migrations.Migration):
    dependencies = [("ip_registry", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
