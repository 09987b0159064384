"""An IP officer fixes a bad row in a patent file and watches the coverage figure change."""

import pytest

from core.roles import Role
from tests.e2e.two_factor import pass_two_factor
from tests.factories import PASSWORD
from tests.ip_registry.factories import EnterpriseFactory, designate

# serialized_rollback: the flush after another transactional test must not take away the
# designation types, districts and roles that migrations seed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HEADER = "申请号,名称,申请日,申请（专利权）人,授权公告日,法律状态\n"


def test_officer_uploads_fixes_and_sees_coverage_change(live_server, page, make_user):
    holder = EnterpriseFactory(name="盘锦辽河化工有限公司")
    other = EnterpriseFactory(name="盘锦渤海装备有限公司")
    for enterprise in (holder, other):
        designate(enterprise, 2019)
    make_user(Role.IP_OFFICER, username="ipo")

    page.goto(live_server.url + "/accounts/login/?next=/registry/dashboard/%3Fyear%3D2019")
    page.get_by_label("用户名").fill("ipo")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    pass_two_factor(page)
    page.wait_for_url("**/registry/dashboard/**")
    assert page.locator("#coverage-rate").inner_text() == "0.0%"

    bad = HEADER + (
        "ZL201710601862.3,一种稠油降黏剂,2017-08-01,盘锦辽河化工有限公司,2019-03-05,授权\n"
        "201310699744.9,一种钻杆接头,2013-12-01,盘锦渤海装备有限公司,2015-06-01,授权\n"
    )
    page.get_by_role("link", name="导入数据").click()
    page.wait_for_url("**/admin/registry/import/")
    page.get_by_label("数据类型").select_option("patents")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "专利.csv", "mimeType": "text/csv", "buffer": bad.encode("gb18030")}],
    )
    page.get_by_role("button", name="上传并导入").click()
    report = page.locator("#import-report")
    report.wait_for()
    assert "第 3 行：申请号“201310699744.9”校验位不正确（应为 2）" in report.inner_text()
    assert "未导入任何数据" in report.inner_text()

    fixed = bad.replace("201310699744.9", "201310699744.2")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "专利.csv", "mimeType": "text/csv", "buffer": fixed.encode("gb18030")}],
    )
    page.get_by_role("button", name="上传并导入").click()
    report.wait_for()
    assert "新建 2" in report.inner_text() and "已导入" in report.inner_text()

    page.goto(live_server.url + "/registry/dashboard/?year=2019")
    assert page.locator("#coverage-rate").inner_text() == "100.0%"
    assert "目标 60%" in page.locator("#coverage-heading + p").inner_text()
