import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from core.identifiers import make_patent_number
from ip_registry.imports import ImportFileError, registry_import
from ip_registry.models import Designation, Enterprise, Holding, Patent, PatentClassification
from ip_registry.selectors import coverage_for_year, patent_status_on
from tests.ip_registry.factories import EnterpriseFactory, designate

pytestmark = pytest.mark.django_db

USCC_A = "91310115591693856A"
USCC_B = "91110108551385082Q"
N1 = "201710601862.3"
N2 = "201310699744.2"
N3 = "200820009767.0"


def csv_bytes(rows, encoding="utf-8"):
    text = "\n".join(",".join(f'"{c}"' if "," in str(c) else str(c) for c in r) for r in rows)
    return text.encode(encoding)


def run(kind, rows, **kwargs):
    return registry_import(kind=kind, data=csv_bytes(rows), filename=f"{kind}.csv", **kwargs)


def messages(report):
    return [str(m) for m in report.errors]


# Enterprises ------------------------------------------------------------------------------

ENT_HEADER = ["统一社会信用代码", "企业名称", "所属区县", "行业"]


def test_enterprises_import_is_idempotent_and_tracks_renames():
    rows = [
        ENT_HEADER,
        [USCC_A, "盘锦辽河化工有限公司", "兴隆台区", "精细化工"],
        [USCC_B.lower(), "盘锦北方（集团）装备有限公司", "大洼区", "石油装备"],
    ]
    first = run("enterprises", rows)
    assert (first.created, first.updated, first.unchanged, first.committed) == (2, 0, 0, True)
    second = run("enterprises", rows)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    rows[1][1] = "盘锦辽河新材料有限公司"
    third = run("enterprises", rows)
    assert (third.updated, third.unchanged) == (1, 1)
    renamed = Enterprise.objects.get(uscc=USCC_A)
    assert renamed.former_names == ["盘锦辽河化工有限公司"]
    assert Enterprise.objects.get(uscc=USCC_B).district.name == "大洼区"


def test_enterprise_row_errors_are_numbered_and_nothing_is_written():
    rows = [
        ENT_HEADER,
        [USCC_A, "好企业", "兴隆台区", "精细化工"],
        ["91310115591693856B", "校验位错", "", ""],
        ["91310115591693856", "长度错", "", ""],
        [USCC_B, "", "火星区", "采矿"],
        ["91110000600037341L", "类型错", "", ""],
        [USCC_A, "重复", "", ""],
    ]
    rows[5] = [*rows[5], "外星机构"]
    rows[0] = [*ENT_HEADER, "机构类型"]
    report = run("enterprises", rows)
    text = "\n".join(messages(report))
    assert not report.committed and Enterprise.objects.count() == 0
    assert "第 3 行：统一社会信用代码“91310115591693856B”无效：校验位不正确" in text
    assert "第 4 行：统一社会信用代码“91310115591693856”无效：应为 18 位" in text
    assert "第 5 行：企业名称不能为空" in text
    assert "第 5 行：所属区县“火星区”不在区县/功能区词表中" in text
    assert "为该项添加别名“火星区”" in text
    assert "第 5 行：行业“采矿”不在行业词表中" in text
    assert "第 6 行：机构类型“外星机构”不在机构类型词表中" in text
    assert "第 7 行：与第 2 行重复" in text
    assert report.rejected == 5 and "全部回滚" in report.summary()


def test_skip_invalid_loads_good_rows_and_dry_run_loads_nothing():
    rows = [ENT_HEADER, [USCC_A, "好企业", "", ""], ["bad", "坏企业", "", ""]]
    dry = run("enterprises", rows, dry_run=True, skip_invalid=True)
    assert (dry.created, dry.rejected, dry.committed) == (1, 1, False)
    assert "试运行" in dry.summary() and Enterprise.objects.count() == 0
    report = run("enterprises", rows, skip_invalid=True)
    assert (report.created, report.rejected, report.committed) == (1, 1, True)
    assert list(Enterprise.objects.values_list("uscc", flat=True)) == [USCC_A]


def test_embedded_organisation_code_is_checked():
    # Valid USCC check character, but the organisation code's own check is wrong.
    from stdnum.cn import uscc

    body = "91211100MA0000000"[:16] + "1"
    bad = body + uscc.calc_check_digit(body)
    report = run("enterprises", [ENT_HEADER, [bad, "某公司", "", ""]])
    assert "组织机构代码" in messages(report)[0]


# File-level errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"\x81\x20\x81", "x.csv", "无法识别文件编码"),
        (b"whatever", "old.xls", "不支持旧版 .xls"),
        (b"PK\x03\x04broken", "x.xlsx", "无法读取 XLSX"),
        ("企业名称,行业\n某公司,精细化工\n".encode(), "x.csv", "缺少必需的列：统一社会信用代码"),
        (b"", "x.csv", "文件为空"),
        ("统一社会信用代码,企业名称\n,\n".encode(), "x.csv", "没有数据行"),
    ],
)
def test_file_level_errors(data, filename, expected):
    with pytest.raises(ImportFileError, match=expected):
        registry_import(kind="enterprises", data=data, filename=filename)


def test_gb18030_bom_english_headers_and_xlsx_are_read():
    gb = csv_bytes(
        [ENT_HEADER, [USCC_A, "盘锦锦润化工有限公司", "兴隆台区", "精细化工"]], "gb18030"
    )
    assert run_raw("enterprises", gb, "gbk.csv").created == 1
    bom = b"\xef\xbb\xbf" + csv_bytes(
        [["uscc", "name", "district"], [USCC_B, "BOM 公司", "211104"]]
    )
    report = run_raw("enterprises", bom, "bom.csv")
    assert report.created == 1
    assert Enterprise.objects.get(uscc=USCC_B).district.name == "大洼区"  # by division code
    book = Workbook()
    book.active.append(["社会信用代码", "单位名称"])
    book.active.append(["91110000600037341L", "XLSX 公司"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert run_raw("enterprises", buffer.getvalue(), "e.xlsx").created == 1


def run_raw(kind, data, filename, **kwargs):
    return registry_import(kind=kind, data=data, filename=filename, **kwargs)


# Designations -----------------------------------------------------------------------------


def test_designation_import_and_errors():
    ent = EnterpriseFactory()
    rows = [
        ["uscc", "年度", "认定类型", "来源"],
        [ent.uscc, "2019", "规上科技型企业", "盘科发〔2019〕1号"],
        [ent.uscc, "2019年", "高新技术企业", ""],
    ]
    report = run("designations", rows)
    assert (report.created, report.committed) == (2, True)
    assert run("designations", rows).unchanged == 2
    assert (
        Designation.objects.get(designation_type__code="high_tech").source
        == "导入：designations.csv"
    )
    bad = run(
        "designations",
        [
            rows[0],
            [USCC_A, "2019", "高新技术企业", ""],
            [ent.uscc, "19", "高企", ""],
            [ent.uscc, "2020", "独角兽", ""],
        ],
    )
    text = "\n".join(messages(bad))
    assert "第 2 行：统一社会信用代码“91310115591693856A”对应的企业未登记" in text
    assert "第 3 行：年度“19”无效" in text
    assert "第 4 行：认定类型“独角兽”不在认定类型词表中。可选：规模以上科技型企业" in text


# Patents ----------------------------------------------------------------------------------

PAT_HEADER = [
    "申请号",
    "名称",
    "申请日",
    "申请（专利权）人",
    "权利人统一社会信用代码",
    "授权公告日",
    "法律状态",
    "法律状态日",
    "IPC分类号",
]


def test_patent_import_normalises_matches_holders_and_is_idempotent():
    a = EnterpriseFactory(uscc=USCC_A, name="盘锦北方（集团）化工有限公司")
    b = EnterpriseFactory(uscc=USCC_B, name="盘锦渤海装备有限公司")
    rows = [
        PAT_HEADER,
        [
            "ZL 2017 1060 1862 3",
            "一种稠油降黏剂",
            "2017-08-01",
            "盘锦北方(集团) 化工有限公司",
            "",
            "2019/3/5",
            "有效",
            "",
            "C09K8/58(2006.01);C10G 1/00",
        ],
        [
            "ＣＮ２０１３１０６９９７４４．２",
            "钻杆接头",
            "20131201",
            "盘锦渤海装备有限公司；大连理工大学",
            f"{USCC_B};",
            "2015年6月1日",
            "未缴年费终止",
            "2018-02-01",
            "",
        ],
        [N3, "密封装置", "2008-05-10", "不存在的公司", "", "2009-01-05", "", "", ""],
    ]
    report = run("patents", rows)
    assert report.committed and (report.created, report.rejected) == (3, 0), messages(report)
    warnings = [str(w) for w in report.warnings]
    assert "第 3 行：权利人“大连理工大学”未在企业登记中找到，按未登记权利人保存" in warnings
    assert "第 4 行：权利人“不存在的公司”未在企业登记中找到，按未登记权利人保存" in warnings
    p1 = Patent.objects.get(application_number=N1)
    assert p1.patent_type == "1" and p1.expiry_date == date(2037, 8, 1)
    assert p1.ipc == "C09K 8/58; C10G 1/00"
    assert list(
        PatentClassification.objects.filter(patent=p1).values_list("subclass", flat=True)
    ) == ["C09K", "C10G"]
    assert Holding.objects.get(patent=p1).enterprise == a  # matched by normalised name
    assert set(
        Holding.objects.filter(patent__application_number=N2).values_list("enterprise", flat=True)
    ) == {b.pk, None}
    assert patent_status_on(number=N1, on=date(2019, 3, 5)).in_force
    assert patent_status_on(number=N2, on=date(2018, 1, 31)).in_force
    assert patent_status_on(number=N2, on=date(2018, 2, 1)).status == "lapsed"
    again = run("patents", rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_patent_row_errors():
    EnterpriseFactory(uscc=USCC_A, name="甲公司")
    good = [N1, "好专利", "2017-08-01", "甲公司", "", "", "", "", ""]
    rows = [
        PAT_HEADER,
        good,
        ["201710601862.4", "校验位错", "2017-08-01", "甲公司", "", "", "", "", ""],
        ["2017106", "太短", "2017-08-01", "甲公司", "", "", "", "", ""],
        [N2, "", "2013-13-01", "", "", "", "", "", ""],
        [make_patent_number(2016, "1", 1), "无申请日", "", "甲公司", "", "2015-01-01", "", "", ""],
        [
            make_patent_number(2016, "1", 2),
            "状态",
            "2016-01-01",
            "甲公司",
            "",
            "2017-01-01",
            "神秘",
            "",
            "",
        ],
        [
            make_patent_number(2016, "1", 3),
            "无日期",
            "2016-01-01",
            "甲公司",
            "",
            "2017-01-01",
            "放弃",
            "",
            "",
        ],
        [
            make_patent_number(2016, "1", 4),
            "人数",
            "2016-01-01",
            "甲公司;乙公司",
            USCC_A,
            "",
            "",
            "",
            "",
        ],
        [
            make_patent_number(2016, "1", 5),
            "代码",
            "2016-01-01",
            "甲公司",
            "9131011559169385",
            "",
            "",
            "",
            "",
        ],
        [
            make_patent_number(2016, "1", 6),
            "分类",
            "2016-01-01",
            "甲公司",
            "",
            "",
            "",
            "",
            "X99 1/00",
        ],
        [
            make_patent_number(2016, "1", 7),
            "早于",
            "2016-01-01",
            "甲公司",
            "",
            "2015-01-01",
            "",
            "",
            "",
        ],
        ["ZL201710601862.3", "重复", "2017-08-01", "甲公司", "", "", "", "", ""],
    ]
    report = run("patents", rows)
    text = "\n".join(messages(report))
    assert not report.committed and Patent.objects.count() == 0
    assert "第 3 行：申请号“201710601862.4”校验位不正确（应为 3）" in text
    assert "第 4 行：申请号“2017106”格式不正确" in text
    assert "第 5 行：名称不能为空" in text
    assert "第 5 行：申请日“2013-13-01”不是有效日期" in text
    assert "第 5 行：专利权人不能为空" in text
    assert "第 6 行：申请日不能为空" in text
    assert "第 7 行：法律状态“神秘”不在法律状态词表中" in text
    assert "第 8 行：法律状态为“放弃”但没有日期" in text
    assert "--status-date" in text
    assert "第 9 行：权利人统一社会信用代码有 1 个，与专利权人数量 2 不一致" in text
    assert "第 10 行：权利人统一社会信用代码“9131011559169385”无效" in text
    assert "第 11 行：IPC 分类号“X99 1/00”格式不正确" in text
    assert "第 12 行：授权公告日 2015-01-01 早于申请日 2016-01-01" in text
    assert "第 13 行：与第 2 行重复" in text
    assert report.rejected == 11


def test_patent_type_column_must_agree_with_the_number():
    rows = [
        ["申请号", "名称", "申请日", "专利权人", "专利类型"],
        [N1, "x", "2017-08-01", "甲", "外观设计"],
        [N2, "y", "2013-12-01", "乙", "发明专利"],
    ]
    report = run("patents", rows)
    assert messages(report) == [
        "第 2 行：专利类型“外观设计”与申请号 201710601862.3 的类型位（发明）不符"
    ]


def test_ambiguous_name_is_reported_not_guessed():
    EnterpriseFactory(name="同名公司")
    EnterpriseFactory(name="同名 公司")
    report = run("patents", [PAT_HEADER[:4], [N1, "x", "2017-08-01", "同名公司"]])
    assert "对应多家登记企业，未自动匹配" in str(report.warnings[0])
    assert Holding.objects.get().enterprise is None


def test_reimport_with_new_holder_is_a_transfer_and_a_lapse_changes_coverage():
    seller = EnterpriseFactory(uscc=USCC_A, name="甲公司")
    buyer = EnterpriseFactory(uscc=USCC_B, name="乙公司")
    for ent in (seller, buyer):
        designate(ent, 2018)
        designate(ent, 2019)
    header = [
        "申请号",
        "名称",
        "申请日",
        "专利权人",
        "授权公告日",
        "法律状态",
        "法律状态日",
        "权利转移日",
    ]
    run("patents", [header, [N1, "x", "2017-08-01", "甲公司", "2018-05-01", "", "", ""]])
    assert coverage_for_year(year=2018).holding == 1
    transfer = run(
        "patents", [header, [N1, "x", "2017-08-01", "乙公司", "2018-05-01", "", "", "2019-03-01"]]
    )
    assert transfer.updated == 1
    assert [h.uscc for h in patent_status_on(number=N1, on=date(2019, 2, 28)).holders] == [USCC_A]
    assert [h.uscc for h in patent_status_on(number=N1, on=date(2019, 3, 1)).holders] == [USCC_B]
    assert coverage_for_year(year=2018).holding == 1
    lapse = run(
        "patents",
        [header, [N1, "x", "2017-08-01", "乙公司", "2018-05-01", "未缴年费终止", "2019-11-01", ""]],
    )
    assert lapse.updated == 1
    assert coverage_for_year(year=2019).holding == 0
    assert coverage_for_year(year=2019, as_of=date(2019, 6, 30)).holding == 1
    assert coverage_for_year(year=2018).holding == 1


def test_commands_print_summary_and_fail_on_errors(tmp_path, capsys):
    path = tmp_path / "e.csv"
    path.write_bytes(csv_bytes([ENT_HEADER, [USCC_A, "甲公司", "", ""], ["x", "乙", "", ""]]))
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("import_enterprises", str(path), "--no-progress")
    captured = capsys.readouterr()
    assert "第 3 行：统一社会信用代码“x”无效" in captured.err
    assert "存在错误，未导入任何数据" in captured.out
    call_command("import_enterprises", str(path), "--skip-invalid", "--no-progress")
    assert "新建 1" in capsys.readouterr().out
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_patents", str(tmp_path / "missing.csv"))


def test_bulk_imports_announce_changed_rows_for_other_apps():
    from ip_registry.signals import registry_bulk_changed

    received = []

    def receiver(sender, ids, **kwargs):
        received.append((sender.__name__, ids))

    registry_bulk_changed.connect(receiver)
    try:
        run("enterprises", [ENT_HEADER, [USCC_A, "甲公司", "", ""]])
        run("patents", [PAT_HEADER[:4], [N1, "x", "2017-08-01", "甲公司"]])
        run("patents", [PAT_HEADER[:4], [N1, "x", "2017-08-01", "甲公司"]])  # unchanged
    finally:
        registry_bulk_changed.disconnect(receiver)
    enterprise = Enterprise.objects.get()
    patent = Patent.objects.get()
    assert received == [("Enterprise", [enterprise.pk]), ("Patent", [patent.pk]), ("Patent", [])]
