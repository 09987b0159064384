import io
from datetime import date
from http import HTTPStatus

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.roles import Role
from core.services import api_token_create
from ip_registry.models import LegalStatus as S
from tests.factories import PASSWORD
from tests.ip_registry.factories import EnterpriseFactory, designate, patent_with_history

pytestmark = pytest.mark.django_db

GRANTED = [(S.PENDING, date(2015, 3, 1)), (S.GRANTED, date(2016, 6, 1))]


@pytest.fixture
def registry():
    holder, other = EnterpriseFactory(name="盘锦持有化工有限公司"), EnterpriseFactory()
    for ent in (holder, other):
        designate(ent, 2019)
    patent = patent_with_history(holder=holder, events=GRANTED)
    return holder, other, patent


@pytest.fixture
def officer_client(client, make_user):
    user = make_user(Role.IP_OFFICER, username="ipo")
    client.login(username=user.username, password=PASSWORD)
    return client


def test_public_coverage_api(client, registry):
    response = client.get("/api/v1/ip/coverage", {"year": 2019, "group_by": "district"})
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "year": 2019,
        "as_of": "2019-12-31",
        "designated": 2,
        "holding": 1,
        "rate": 50.0,
        "target": 60.0,
        "groups": [{"key": "兴隆台区", "designated": 2, "holding": 1, "rate": 50.0}],
    }
    early = client.get("/api/v1/ip/coverage", {"year": 2019, "as_of": "2016-05-31"}).json()
    assert early["holding"] == 0 and early["groups"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"year": 2019, "group_by": "city"},
        {"year": 1700},
        {"year": "abc"},
        {},
        {"year": 2019, "as_of": "x"},
    ],
)
def test_coverage_api_rejects_bad_input_with_4xx(client, params):
    response = client.get("/api/v1/ip/coverage", params)
    assert HTTPStatus.BAD_REQUEST <= response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR


def test_invention_applications_api(client, registry):
    data = client.get("/api/v1/ip/invention-applications", {"year": 2015}).json()
    assert data == {"year": 2015, "count": 1, "target": None, "provisional": False}
    assert client.get("/api/v1/ip/invention-applications", {"year": 2019}).json()["target"] == 600.0


def test_enterprise_lists_are_for_officers_only(client, make_user, registry):
    holder, other, patent = registry
    assert client.get("/api/v1/ip/coverage/holders", {"year": 2019}).status_code == 401
    member = make_user(Role.ENTERPRISE_MEMBER, username="m1")
    client.login(username="m1", password=PASSWORD)
    assert client.get("/api/v1/ip/coverage/holders", {"year": 2019}).status_code == 403
    client.logout()
    officer = make_user(Role.IP_OFFICER, username="ipo")
    _, token = api_token_create(user=officer)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    holders = client.get("/api/v1/ip/coverage/holders", {"year": 2019}, **auth).json()
    assert [h["uscc"] for h in holders] == [holder.uscc]
    non_holders = client.get("/api/v1/ip/coverage/non-holders", {"year": 2019}, **auth).json()
    assert [h["uscc"] for h in non_holders] == [other.uscc]
    patents = client.get(f"/api/v1/ip/enterprises/{holder.uscc}/patents", **auth).json()
    assert [(p["number"], p["in_force"]) for p in patents] == [(patent.application_number, True)]
    assert (
        client.get("/api/v1/ip/enterprises/91310115591693856A/patents", **auth).status_code == 404
    )
    assert member.pk


def test_public_pages_show_public_facts(client, registry):
    holder, _, patent = registry
    index = client.get(reverse("ip_registry:index"), {"q": "持有"})
    assert index.status_code == 200 and holder.name in index.content.decode()
    page = client.get(reverse("ip_registry:enterprise_detail", kwargs={"uscc": holder.uscc}))
    text = page.content.decode()
    # Designations and the patent portfolio are the officers' (as on the API): one rule.
    assert holder.name in text
    assert patent.application_number not in text and "规模以上科技型企业" not in text
    assert "有效专利" not in text
    detail = client.get(
        reverse("ip_registry:patent_detail", kwargs={"number": patent.application_number})
    )
    text = detail.content.decode()
    assert "授权" in text and holder.name in text and "2035-03-01" in text
    messy = client.get(f"/registry/patents/ZL{patent.application_number.replace('.', '')}/")
    assert messy.status_code == 302 and messy["Location"].endswith(f"/{patent.application_number}/")
    assert client.get("/registry/patents/12345/").status_code == 404
    assert client.get("/registry/enterprises/91310115591693856A/").status_code == 404
    svg = client.get(reverse("ip_registry:coverage_chart"))
    assert svg["Content-Type"].startswith("image/svg+xml") and b"<svg" in svg.content


def test_dashboard_access_control(client, make_user, registry):
    url = reverse("ip_registry:dashboard")
    assert client.get(url).status_code == 302  # to login
    make_user(Role.ENTERPRISE_MEMBER, username="m1")
    client.login(username="m1", password=PASSWORD)
    assert client.get(url).status_code == 403
    assert (
        client.get(
            reverse("ip_registry:export", kwargs={"table": "gaps", "fmt": "csv"})
        ).status_code
        == 403
    )
    assert client.get(reverse("ip_registry:report_pdf", kwargs={"year": 2019})).status_code == 403


def test_dashboard_shows_kpi_charts_and_gap_list(officer_client, registry):
    _, other, _ = registry
    response = officer_client.get(reverse("ip_registry:dashboard"), {"year": 2019})
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="coverage-rate">50.0%' in text
    assert "<svg" in text and "目标 60%" in text  # server-rendered chart, readable without JS
    assert other.name in text and "无有效专利" in text


def test_exports_csv_and_xlsx(officer_client, registry):
    _, other, _ = registry
    csv = officer_client.get(
        reverse("ip_registry:export", kwargs={"table": "coverage", "fmt": "csv"}), {"year": 2019}
    )
    body = csv.content.decode("utf-8-sig")
    assert (
        body.splitlines()[0] == "年度,截至日期,认定企业数,有效专利持有企业数,覆盖率（%）,目标（%）"
    )
    assert "2019,2019-12-31,2,1,50.0,60.0" in body
    xlsx = officer_client.get(
        reverse("ip_registry:export", kwargs={"table": "gaps", "fmt": "xlsx"}), {"year": 2019}
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.values)
    assert rows[0][1] == "企业名称" and rows[1][1] == other.name
    missing = reverse("ip_registry:export", kwargs={"table": "nope", "fmt": "csv"})
    assert officer_client.get(missing).status_code == 404


def test_yearly_report_pdf(officer_client, registry):
    from pypdf import PdfReader

    response = officer_client.get(reverse("ip_registry:report_pdf", kwargs={"year": 2019}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "2019 年盘锦市企业知识产权评估报告" in text
    assert "第 1 页" in text and "生成日期" in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any("Noto-Sans-CJK-SC" in f for f in fonts), fonts


def test_admin_upload_form_reports_row_errors(officer_client, registry):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = (
        "申请号,名称,申请日,专利权人\n"
        "201710601862.3,好专利,2017-08-01,某公司\n"
        "201710601862.4,坏,2017-08-01,某公司\n"
    )
    response = officer_client.post(
        "/admin/registry/import/",
        {"kind": "patents", "file": SimpleUploadedFile("p.csv", data.encode("gb18030"))},
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "第 3 行：申请号“201710601862.4”校验位不正确（应为 3）" in text
    assert "存在错误，未导入任何数据" in text


def test_admin_upload_form_is_for_officers(client, make_user):
    make_user(Role.MARKET_MODERATOR, username="mod")
    client.login(username="mod", password=PASSWORD)
    # Wagtail turns PermissionDenied in the admin into a redirect to the dashboard.
    response = client.get("/admin/registry/import/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_officer_edits_register_and_rd_institutions_in_the_admin(officer_client, registry):
    for url in (
        "/admin/snippets/ip_registry/enterprise/",
        "/admin/snippets/ip_registry/patent/",
        "/admin/snippets/ip_registry/rdinstitution/",
        "/admin/snippets/ip_registry/rdexpenditure/",
        "/admin/snippets/ip_registry/rdinstitution/add/",
    ):
        assert officer_client.get(url).status_code == 200, url


def test_admin_upload_maps_unknown_columns_saves_a_profile_and_takes_the_export_date(
    officer_client, registry
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ip_registry.models import ColumnProfile, Patent

    data = (
        "申请号,名称,申请日,专利权人（现）,法律状态,授权公告日,经办人\n"
        "201710601862.3,好专利,2017-08-01,某公司,失效,2019-03-05,张三\n"
    ).encode("gb18030")
    first = officer_client.post(
        "/admin/registry/import/",
        {"kind": "patents", "file": SimpleUploadedFile("p.csv", data)},
    )
    text = first.content.decode()
    assert first.status_code == 400 and "缺少必需的列：专利权人（holders）" in text
    # Each unknown header is listed with the fields it could be.
    assert 'value="专利权人（现）"' in text and 'value="经办人"' in text
    assert "专利权人（holders）" in text.split('value="专利权人（现）"')[1].split("</td>")[1]

    second = officer_client.post(
        "/admin/registry/import/",
        {
            "kind": "patents",
            "file": SimpleUploadedFile("p.csv", data),
            "map-title-1": "专利权人（现）",
            "map-field-1": "holders",
            "map-title-2": "经办人",
            "map-field-2": "",
            "save_profile_as": "区局导出",
            "status_date": "2024年6月30日",
        },
    )
    text = second.content.decode()
    assert second.status_code == 200, text
    assert "已导入" in text and "未识别、未导入的列：经办人" in text
    assert "1 行的法律状态" in text and "2024-06-30" in text
    assert Patent.objects.filter(application_number="201710601862.3").exists()
    profile = ColumnProfile.objects.get(name="区局导出")
    assert profile.mapping == {"专利权人（现）": "holders"}

    # Next time the profile alone does it.
    third = officer_client.post(
        "/admin/registry/import/",
        {
            "kind": "patents",
            "file": SimpleUploadedFile("p.csv", data),
            "profile": profile.pk,
            "status_date": "2024-06-30",
        },
    )
    assert third.status_code == 200 and "未变 1" in third.content.decode()


def test_officer_edits_a_vocabulary_and_the_edit_is_audited(officer_client, registry):
    from core.models import AuditEntry, District

    zone = District.objects.get(name="高新技术开发区")
    url = f"/admin/snippets/core/district/edit/{zone.pk}/"
    assert officer_client.get(url).status_code == 200
    response = officer_client.post(
        url,
        {
            "name": zone.name,
            "division_code": "",
            "name_en": zone.name_en,
            "aliases": zone.aliases + "\n盘锦高新园",
            "sort_order": zone.sort_order,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    zone.refresh_from_db()
    assert "盘锦高新园" in zone.alias_list()
    entry = AuditEntry.objects.get(action="core.district.update", object_id=str(zone.pk))
    assert entry.actor.username and "盘锦高新园" in entry.changes["aliases"][1]
    assert "盘锦高新园" not in entry.changes["aliases"][0]


def test_vocabularies_are_edited_by_ip_officers_only(client, officer_client, make_user):
    for url in (
        "/admin/snippets/core/district/",
        "/admin/snippets/core/industry/",
        "/admin/snippets/core/vocabularyterm/",
        "/admin/snippets/ip_registry/columnprofile/",
    ):
        assert officer_client.get(url).status_code == 200, url
    make_user(Role.MARKET_MODERATOR, username="mod2")
    client.login(username="mod2", password=PASSWORD)
    response = client.get("/admin/snippets/core/district/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_ip_officers_see_the_enterprise_portfolio_on_the_page_as_on_the_api(
    client, make_user, registry
):
    holder, _, patent = registry
    officer = make_user(Role.IP_OFFICER, username="ipo-portfolio")
    client.force_login(officer)
    page = client.get(reverse("ip_registry:enterprise_detail", kwargs={"uscc": holder.uscc}))
    text = page.content.decode()
    assert patent.application_number in text and "2019 年 · 规模以上科技型企业" in text
    assert "有效专利" in text
