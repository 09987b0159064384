import csv
import json
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook
from wagtail.models import Revision

from core.identifiers import validate_uscc
from core.models import Organization
from marketplace.importers import listings_import
from marketplace.models import TechnologyDemandPage, TechnologyResultPage

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parents[2] / "marketplace" / "fixtures" / "corpus.jsonl"

ROW = {
    "external_id": "T-1",
    "kind": "technology",
    "title": "高效消泡剂",
    "summary": "低加量快速消泡",
    "body": "第一段\n第二段 <script>alert(1)</script>",
    "industry": "精细化工",
    "trl": 8,
    "modes": ["技术转让", "技术许可"],
    "price_wan": 45,
    "owner_name": "盘锦导入测试化工有限公司",
    "district": "高新区",
    "keywords": ["消泡剂", "有机硅"],
    "patents": ["ZL202010574318.6"],
}


def write_jsonl(tmp_path, rows, name="rows.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows),
        encoding="utf-8",
    )
    return path


def test_corpus_loads_all_80_listings_twice_without_change():
    out = StringIO()
    call_command("import_listings", str(CORPUS), "--quiet-progress", stdout=out)
    assert "新建 80，更新 0，未变 0" in out.getvalue()
    assert TechnologyResultPage.objects.live().count() == 60
    assert TechnologyDemandPage.objects.live().count() == 20
    revisions = Revision.objects.count()
    organizations = Organization.objects.count()
    for org in Organization.objects.all():
        assert validate_uscc(org.uscc) == org.uscc

    out = StringIO()
    call_command("import_listings", str(CORPUS), "--quiet-progress", stdout=out)
    assert "新建 0，更新 0，未变 80" in out.getvalue()
    assert Revision.objects.count() == revisions
    assert Organization.objects.count() == organizations


def test_import_maps_taxonomies_and_sanitises_body(tmp_path, client):
    result = listings_import(path=write_jsonl(tmp_path, [ROW]))
    assert result.ok and result.counts["created"] == 1
    page = TechnologyResultPage.objects.get(external_id="T-1")
    assert page.live
    assert sorted(m.name for m in page.modes.all()) == ["普通许可", "转让"]
    assert page.district.name == "高新技术开发区"
    assert page.patent_numbers == ["202010574318.6"]
    assert page.organization.name == "盘锦导入测试化工有限公司"
    assert page.holder_type.name == "企业"
    html = client.get(page.url).content.decode()
    assert client.get(page.url).status_code == HTTPStatus.OK
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_import_updates_changed_rows(tmp_path):
    listings_import(path=write_jsonl(tmp_path, [ROW]))
    result = listings_import(
        path=write_jsonl(tmp_path, [{**ROW, "title": "新标题", "price_wan": None}])
    )
    assert result.counts["updated"] == 1
    page = TechnologyResultPage.objects.get(external_id="T-1")
    assert page.title == "新标题" and page.price_wan is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "offer"}, "类型“offer”无效"),
        ({"external_id": ""}, "external_id 不能为空"),
        ({"title": ""}, "标题不能为空"),
        ({"summary": ""}, "一句话简介不能为空"),
        ({"industry": "航天"}, "行业“航天”不在行业词表中"),
        ({"district": "沈阳"}, "区县“沈阳”不在区县/功能区词表中"),
        ({"trl": 12}, "应为 1–9 的整数"),
        ({"trl": "高"}, "应为 1–9 的整数"),
        ({"price_wan": "很贵"}, "不是数字"),
        ({"price_wan": -5}, "不能为负数"),
        ({"modes": ["赠送"]}, "合作方式“赠送”不存在"),
        ({"patents": ["202010574318.5"]}, "校验位不正确"),
        ({"owner_name": ""}, "owner_name"),
    ],
)
def test_each_row_error_is_reported_with_its_row_number(tmp_path, change, message):
    good = {**ROW, "external_id": "T-0"}
    result = listings_import(path=write_jsonl(tmp_path, [good, {**ROW, **change}]))
    assert not result.ok
    assert any(e.startswith("第 2 行") and message in e for e in result.errors), result.errors
    # All or nothing: the good first row is not kept either.
    assert not TechnologyResultPage.objects.exists()
    assert not Organization.objects.filter(name=ROW["owner_name"]).exists()


def test_file_level_errors(tmp_path):
    result = listings_import(path=write_jsonl(tmp_path, [ROW, "{not json", "[1, 2]"]))
    assert "第 2 行：不是有效的 JSON" in result.errors[0]
    assert "第 3 行：每行应为一个 JSON 对象" in result.errors[1]
    duplicate = listings_import(path=write_jsonl(tmp_path, [ROW, ROW]))
    assert "第 2 行：external_id“T-1”与第 1 行重复" in duplicate.errors
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert listings_import(path=empty).errors == ["文件中没有数据行"]
    missing = listings_import(path=write_jsonl(tmp_path, [{"name": "x"}]))
    assert "缺少必需的列" in missing.errors[0]
    assert not TechnologyResultPage.objects.exists()


def test_kind_cannot_change_for_an_external_id(tmp_path):
    listings_import(path=write_jsonl(tmp_path, [ROW]))
    result = listings_import(path=write_jsonl(tmp_path, [{**ROW, "kind": "demand"}]))
    assert "已作为另一类挂牌存在" in result.errors[0]


def test_command_reports_errors_and_fails(tmp_path):
    path = write_jsonl(tmp_path, [{**ROW, "industry": "航天"}])
    err = StringIO()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_listings", str(path), "--quiet-progress", stderr=err)
    assert "第 1 行：industry：行业“航天”不在行业词表中" in err.getvalue()
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_listings", str(tmp_path / "nope.jsonl"))
    other = tmp_path / "rows.txt"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(CommandError, match="不支持的文件类型"):
        call_command("import_listings", str(other))


def test_csv_and_xlsx(tmp_path):
    header = list(ROW)
    buffer = StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header)
    writer.writeheader()
    writer.writerow(
        {**ROW, "modes": "技术转让，合作开发", "keywords": "消泡剂、有机硅", "patents": ""}
    )
    (tmp_path / "rows.csv").write_text(buffer.getvalue(), encoding="utf-8")
    result = listings_import(path=tmp_path / "rows.csv")
    assert result.ok, result.errors
    page = TechnologyResultPage.objects.get(external_id="T-1")
    assert sorted(m.name for m in page.modes.all()) == ["合作开发", "转让"]
    assert page.keyword_list == ["消泡剂", "有机硅"]

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    demand = {
        **ROW,
        "external_id": "D-1",
        "kind": "demand",
        "modes": "技术服务",
        "keywords": "脱硫",
        "patents": "",
        "trl": None,
    }
    sheet.append([demand[k] for k in header])
    sheet.append([None] * len(header))
    sheet.append([{**demand, "external_id": "D-2", "trl": "x"}[k] for k in header])
    workbook.save(tmp_path / "rows.xlsx")
    result = listings_import(path=tmp_path / "rows.xlsx")
    assert result.errors and result.errors[0].startswith("第 4 行")
    sheet.delete_rows(4)
    workbook.save(tmp_path / "rows.xlsx")
    result = listings_import(path=tmp_path / "rows.xlsx")
    assert result.ok, result.errors
    demand_page = TechnologyDemandPage.objects.get(external_id="D-1")
    assert demand_page.budget_max_wan == 45 and demand_page.trl is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("huge.csv", b'external_id,kind,title\nX-1,technology,"' + b"a" * 200_000 + b'"\n', "CSV"),
        ("broken.xlsx", b"PK\x03\x04 not really a workbook", "XLSX"),
        ("gbk.jsonl", '{"external_id": "X-1", "title": "含油污泥"}\n'.encode("gb18030"), "UTF-8"),
    ],
)
def test_unreadable_files_are_one_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as exc:
        call_command(
            "import_listings", str(path), "--quiet-progress", stdout=StringIO(), stderr=StringIO()
        )
    assert message in str(exc.value)


def test_gb18030_csv_from_chinese_excel_imports(tmp_path):
    """The listing import reads spreadsheets through the shared table reader."""
    header = list(ROW)
    buffer = StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header)
    writer.writeheader()
    writer.writerow({**ROW, "modes": "技术转让", "keywords": "消泡剂", "patents": ""})
    (tmp_path / "gbk.csv").write_bytes(buffer.getvalue().encode("gb18030"))
    result = listings_import(path=tmp_path / "gbk.csv")
    assert result.ok, result.errors
    assert result.counts["created"] == 1
    page = TechnologyResultPage.objects.get(external_id="T-1")
    assert page.title == ROW["title"]
