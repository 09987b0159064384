"""A department reports a figure with evidence, the plan office accepts it, the public sees it."""

import pytest

from core.roles import Role
from plan.models import Department
from tests.contracts.factories import pdf_bytes
from tests.e2e.two_factor import pass_two_factor
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def login(page, base, username):
    page.goto(base + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    pass_two_factor(page)
    page.wait_for_url(base + "/")


def test_report_review_and_publish(live_server, page, make_user, tmp_path):
    reporter = make_user(Role.PLAN_REPORTER, username="tongji")
    Department.objects.get(code="tjj").members.add(reporter)
    make_user(Role.PLAN_OFFICE, username="bangongshi")
    evidence = tmp_path / "2019年统计公报.pdf"
    evidence.write_bytes(pdf_bytes("统计公报"))
    base = live_server.url

    login(page, base, "tongji")
    page.goto(base + "/plan/reports/")
    page.get_by_label("指标").select_option(label="全社会研发经费支出占 GDP 比重")
    page.get_by_label("年度").fill("2019")
    page.get_by_label("数值").fill("2.62")
    page.get_by_label("说明").fill("2019 年统计公报")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_label("佐证材料").set_input_files(str(evidence))
    page.get_by_role("button", name="上传").click()
    assert "2019年统计公报.pdf" in page.locator("main").inner_text()
    page.get_by_role("button", name="报送领导小组办公室").click()
    assert page.locator("#status").inner_text() == "已报送"

    page.context.clear_cookies()
    login(page, base, "bangongshi")
    page.goto(base + "/plan/dashboard/?year=2019")
    page.locator("#to-review").get_by_role("link", name="全社会研发经费支出占 GDP 比重").click()
    page.get_by_role("button", name="提交审核意见").click()
    assert page.locator("#status").inner_text() == "已采纳"

    page.context.clear_cookies()
    page.goto(base + "/plan/?year=2019")
    row = page.locator('tr[data-code="rd_gdp"]')
    assert "2.62%" in row.inner_text() and "达标" in row.inner_text()
