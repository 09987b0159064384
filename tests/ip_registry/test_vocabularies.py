"""Real registry files: aliases and variants, CNIPA's summary statuses, every date form.

The coverage figures are computed by hand in the comments and checked against the KPI.
"""

import io
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from core.identifiers import make_patent_number, make_uscc
from core.models import District, VocabularyTerm
from core.roles import Role
from ip_registry.imports import parse_date, registry_columns_unknown, registry_import
from ip_registry.models import ColumnProfile, Designation, Enterprise, LegalStatusEvent
from ip_registry.selectors import coverage_for_year, patent_status_on
from ip_registry.services import column_profile_save
from search.selectors import search_params

pytestmark = pytest.mark.django_db

E = [make_uscc("91211100", f"{n:08d}") for n in range(1, 9)]
NAMES = [f"盘锦测试{n}号有限公司" for n in range(1, 9)]


def csv_bytes(rows, encoding="utf-8"):
    return "\n".join(",".join(str(c) for c in row) for row in rows).encode(encoding)


def run(kind, rows, encoding="utf-8", **kwargs):
    return registry_import(
        kind=kind, data=csv_bytes(rows, encoding), filename=f"{kind}.csv", **kwargs
    )


# Everyday short forms, full-width and spaced variants, English names and codes.
ENTERPRISES = [
    ["统一社会信用代码", "企业名称", "所在区县", "所属产业", "单位类型"],
    [E[0], NAMES[0], "高新区", "先进制造", "Company"],
    [E[1], NAMES[1], "高 新 区", "精细化工", "公司"],
    [E[2], NAMES[2], "ＨＩＧＨ－ＴＥＣＨ　ＺＯＮＥ", "海工", "企业"],
    [E[3], NAMES[3], "大洼县", "Advanced Manufacturing", "大学"],
    [E[4], NAMES[4], "Dawa District", "化工", "科研机构"],
    [E[5], NAMES[5], "211102", "新材料产业", "其它"],
    [E[6], NAMES[6], "辽河口", "节能环保", ""],
    [E[7], NAMES[7], "辽东湾", "电子", ""],
]

DESIGNATIONS = [
    ["信用代码", "认定年度", "认定类型"],
    [E[0], "2019年", "规上企业"],
    [E[1], "2019", "规模以上科技型企业"],
    [E[2], "2019", "above_scale_tech"],
    [E[3], "2019", "规上科技型企业"],
    [E[4], "2019", "Above-scale technology enterprise"],
    [E[5], "2019", "规上科技企业"],
    [E[6], "2019", "规 上 企 业"],
    [E[7], "2019", "规上企业"],
    [E[0], "2019", "高企"],
]

P = {
    1: make_patent_number(2016, "1", 101),
    2: make_patent_number(2016, "2", 102),
    3: make_patent_number(2018, "1", 103),
    4: make_patent_number(2017, "2", 104),
    5: make_patent_number(2017, "1", 105),
    6: make_patent_number(2014, "3", 106),
    7: make_patent_number(2018, "1", 107),
}
HEADER = [
    "申请号",
    "发明名称",
    "申请日",
    "申请（专利权）人",
    "专利类型",
    "法律状态",
    "授权公告日",
    "失效日期",
]
# CNIPA's summary statuses; dates in every form Chinese spreadsheets hold them.
PATENTS = [
    HEADER,
    [P[1], "一种热解炉", "2016-01-02", NAMES[0], "发明专利", "有效", "2018/3/5", ""],
    [P[2], "一种阀门", "2016/1/4", NAMES[1], "实用新型", "失效", "2017.06.01", "2019年6月30日"],
    [P[3], "一种催化剂", "20180102", NAMES[2], "发明", "审中", "", ""],
    # 43101 is Excel's serial number of 2018-01-01; 失效 without a date.
    [P[4], "一种泵", "2017年3月1日", NAMES[3], "实用新型专利", "失效", "43101", ""],
    [P[5], "一种涂料", "2017.02.03", NAMES[4], "Invention", "有效", "2019年12月31日", ""],
    [P[6], "一种外壳", "2014-05-05", NAMES[5], "外观", "失效", "2015-05-05", ""],
    [P[7], "一种传感器", "2018-06-01", NAMES[7], "发明", "有效", "2020-02-01", ""],
]


def load_registry(**patent_options):
    for kind, rows in (("enterprises", ENTERPRISES), ("designations", DESIGNATIONS)):
        report = run(kind, rows, encoding="gb18030")
        assert report.committed, [str(e) for e in report.errors]
    return run("patents", PATENTS, encoding="gb18030", **patent_options)


def test_every_alias_and_variant_resolves():
    load_registry(status_date=date(2020, 3, 31))
    by_uscc = {e.uscc: e for e in Enterprise.objects.select_related("district", "industry")}
    districts = [by_uscc[u].district.name for u in E]
    assert districts == ["高新技术开发区"] * 3 + ["大洼区"] * 2 + [
        "双台子区",
        "辽河口生态经济区",
        "辽东湾新区",
    ]
    industries = [by_uscc[u].industry.name for u in E]
    assert industries == [
        "先进装备制造",
        "精细化工",
        "海洋工程",
        "先进装备制造",
        "精细化工",
        "新材料",
        "节能环保",
        "电子信息",
    ]
    assert [by_uscc[u].org_type for u in E[:6]] == [
        "enterprise",
        "enterprise",
        "enterprise",
        "university",
        "institute",
        "other",
    ]
    assert Designation.objects.filter(year=2019, designation_type__code="gs_tech").count() == 8
    assert Designation.objects.filter(designation_type__code="high_tech").count() == 1


def test_cnipa_summary_export_without_lapse_dates_asks_for_the_export_date():
    report = load_registry()
    assert not report.committed
    text = "\n".join(str(e) for e in report.errors)
    # Rows 5 and 7 say 失效 with no date; the others are fine.
    assert [e.row for e in report.errors] == [5, 7]
    assert "法律状态为“失效”但没有日期" in text and "--status-date" in text and "导出日期" in text


def test_cnipa_summary_export_and_coverage_against_hand_computed_figures():
    report = load_registry(status_date=date(2020, 3, 31))
    assert report.committed, [str(e) for e in report.errors]
    assert (report.created, report.dated_by_export) == (7, 2)
    assert any("2 行的法律状态" in note and "2020-03-31" in note for note in report.notes)
    # The undated lapse is recorded on the export's date, not invented earlier.
    assert patent_status_on(number=P[4], on=date(2020, 3, 30)).status == "granted"
    assert patent_status_on(number=P[4], on=date(2020, 3, 31)).status == "ceased"
    assert patent_status_on(number=P[2], on=date(2019, 6, 30)).status == "ceased"
    # 2019-12-31, 8 designated: E1 (granted 2018), E4 and E6 (lapse known only by 2020-03-31),
    # E5 (granted on the day) hold a patent in force; E2 lapsed mid-2019, E3 pending, E7 none,
    # E8 granted 2020. 4 / 8 = 50 %.
    coverage = coverage_for_year(year=2019)
    assert (coverage.designated, coverage.holding, coverage.rate) == (8, 4, 50.0)
    # 2020-12-31: E1, E5, E8. 3 / 8.
    later = coverage_for_year(year=2019, as_of=date(2020, 12, 31))
    assert (later.holding, later.rate) == (3, 37.5)
    # 2018-12-31: E1 (2018-03-05), E2 (2017), E4 (2018-01-01), E6 (2015). 4 / 8.
    earlier = coverage_for_year(year=2019, as_of=date(2018, 12, 31))
    assert earlier.holding == 4
    zone = {g.key: g for g in coverage_for_year(year=2019, group_by="district").groups}
    assert (zone["高新技术开发区"].designated, zone["高新技术开发区"].holding) == (3, 1)
    assert (zone["大洼区"].designated, zone["大洼区"].holding) == (2, 2)


def test_detailed_cnipa_statuses_map_onto_dated_events():
    run("enterprises", ENTERPRISES[:2])
    rows = [
        ["申请号", "名称", "申请日", "专利权人", "法律状态", "授权公告日", "法律状态公告日"],
        [P[1], "甲", "2016-01-02", NAMES[0], "未缴年费专利权终止", "2017-01-01", "2019-03-01"],
        [P[2], "乙", "2016-01-04", NAMES[0], "期限届满", "2016-08-01", ""],
        [P[3], "丙", "2018-01-02", NAMES[0], "实质审查的生效", "", "2018-06-01"],
        [P[5], "丁", "2017-02-03", NAMES[0], "部分无效", "2018-01-01", ""],
        [P[7], "戊", "2018-06-01", NAMES[0], "发明专利申请公布后的视为撤回", "", "2020-01-01"],
    ]
    report = run("patents", rows)
    assert report.committed, [str(e) for e in report.errors]
    events = set(
        LegalStatusEvent.objects.values_list("patent__application_number", "status", "date")
    )
    assert (P[1], "lapsed", date(2019, 3, 1)) in events
    # 期限届满 without a date ends on the term: utility model filed 2016-01-04, 10 years.
    assert (P[2], "expired", date(2026, 1, 4)) in events
    assert patent_status_on(number=P[5], on=date(2019, 1, 1)).status == "granted"
    assert (P[7], "withdrawn", date(2020, 1, 1)) in events


def test_an_unknown_value_names_the_closest_and_imports_once_an_alias_is_added():
    rows = [ENTERPRISES[0], [E[0], NAMES[0], "盘锦高新园", "先进制造", ""]]
    report = run("enterprises", rows)
    message = str(report.errors[0])
    assert not report.committed
    assert message.startswith("第 2 行：所属区县“盘锦高新园”不在区县/功能区词表中")
    assert "最接近的是：高新技术开发区" in message
    assert "词表 › 区县/功能区" in message and "添加别名“盘锦高新园”" in message
    zone = District.objects.get(name="高新技术开发区")
    zone.aliases += "\n盘锦高新园"
    zone.save()
    again = run("enterprises", rows)
    assert again.committed and Enterprise.objects.get(uscc=E[0]).district == zone


def test_an_unknown_legal_status_imports_once_a_term_is_added():
    run("enterprises", ENTERPRISES[:2])
    rows = [HEADER, [P[1], "甲", "2016-01-02", NAMES[0], "", "专利权维持有效", "2018-03-05", ""]]
    assert not run("patents", rows).committed
    VocabularyTerm.objects.create(vocabulary="legal_status", name="专利权维持有效", code="granted")
    assert run("patents", rows).committed


@pytest.mark.parametrize(
    "text",
    [
        "2019-01-02",
        "2019/1/2",
        "2019.01.02",
        "2019年1月2日",
        "20190102",
        "43467",
        "２０１９－０１－０２",
        "2019-01-02 00:00:00",
    ],
)
def test_every_date_form(text):
    assert parse_date(text, "申请日") == date(2019, 1, 2)


def test_xlsx_date_cells_and_serial_numbers():
    run("enterprises", ENTERPRISES[:2])
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append([P[1], "甲", datetime(2016, 1, 2), NAMES[0], "", "有效", 43164, ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = registry_import(kind="patents", data=buffer.getvalue(), filename="export.xlsx")
    assert report.committed, [str(e) for e in report.errors]
    # 43164 is 2018-03-05.
    assert patent_status_on(number=P[1], on=date(2018, 3, 5)).status == "granted"
    assert patent_status_on(number=P[1], on=date(2018, 3, 4)).status == "pending"


# Columns nobody planned for ---------------------------------------------------------------

ODD = [
    ["申请号", "专利名称", "申请日", "当前专利权人（全称）", "备注"],
    [P[1], "一种热解炉", "2016-01-02", NAMES[0], "复核"],
]


def test_unknown_columns_are_listed_with_the_fields_they_could_be():
    data = csv_bytes(ODD)
    unknown = registry_columns_unknown(kind="patents", data=data, filename="odd.csv")
    assert [u.title for u in unknown] == ["当前专利权人（全称）", "备注"]
    assert unknown[0].suggestions[0] == "holders"
    with pytest.raises(Exception, match="未识别的列：当前专利权人（全称）、备注"):
        registry_import(kind="patents", data=data, filename="odd.csv")


def test_a_saved_profile_maps_the_columns_and_the_rest_are_reported(tmp_path, make_user):
    run("enterprises", ENTERPRISES[:2])
    officer = make_user(Role.IP_OFFICER)
    column_profile_save(
        user=officer,
        kind="patents",
        name="某代理机构导出",
        mapping={"当前专利权人（全称）": "holders"},
    )
    path = tmp_path / "odd.csv"
    path.write_bytes(csv_bytes(ODD, "gb18030"))
    out = io.StringIO()
    call_command(
        "import_patents", str(path), "--profile", "某代理机构导出", "--no-progress", stdout=out
    )
    text = out.getvalue()
    assert "已导入" in text and "未识别、未导入的列：备注" in text and "--profile" in text
    with pytest.raises(CommandError, match="找不到列映射方案“无此方案”。已有方案：某代理机构导出"):
        call_command("import_patents", str(path), "--profile", "无此方案", "--no-progress")
    assert ColumnProfile.objects.get().created_by == officer


def test_status_date_option_of_the_command(tmp_path):
    run("enterprises", ENTERPRISES[:2])
    path = tmp_path / "lapsed.csv"
    path.write_bytes(
        csv_bytes([HEADER, [P[1], "甲", "2016-01-02", NAMES[0], "", "失效", "2017-01-01", ""]])
    )
    with pytest.raises(CommandError):
        call_command(
            "import_patents", str(path), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO()
        )
    out = io.StringIO()
    call_command(
        "import_patents", str(path), "--status-date", "2024年6月30日", "--no-progress", stdout=out
    )
    assert "1 行的法律状态" in out.getvalue() and "2024-06-30" in out.getvalue()
    assert patent_status_on(number=P[1], on=date(2024, 6, 30)).status == "ceased"


def test_search_filters_resolve_aliases():
    params = search_params(
        filters={"district": ["高新区", "Dawa District"], "industry": ["先进制造"]}
    )
    assert params.filters == {
        "district": ["高新技术开发区", "大洼区"],
        "industry": ["先进装备制造"],
    }
