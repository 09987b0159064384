"""The registration journey in a real browser: member, officer, member, officer, anonymous."""

import re
import subprocess

import pytest

from contracts.models import Contract, Status
from core.roles import Role
from tests.contracts.factories import pdf_bytes
from tests.e2e.two_factor import pass_two_factor
from tests.factories import PASSWORD, OrganizationFactory

# serialized_rollback: districts and industries come from data migrations.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def reference_data():
    """Districts, industries and role groups, seeded again in case an earlier transactional
    test's flush removed what the data migration put there."""
    import importlib

    from django.apps import apps
    from django.core.management.sql import emit_post_migrate_signal

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # permissions
    importlib.import_module("core.migrations.0002_seed_reference_data").seed(apps, None)


def _login(browser, live_server, username):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    pass_two_factor(page)
    page.wait_for_url(live_server.url + "/")
    return context, page


def test_member_registers_a_contract_and_anyone_can_verify_it(
    live_server, browser, reference_data, make_user, tmp_path, settings
):
    # Certificates print links from the one configured site address.
    settings.SITE_URL = live_server.url
    organization = OrganizationFactory()
    make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="hua")
    make_user(Role.REGISTRY_OFFICER, username="li")
    buyer = OrganizationFactory(name="盘锦辽河油田装备有限公司")
    scan = tmp_path / "签字合同.pdf"
    scan.write_bytes(pdf_bytes("signed"))

    # The member fills the guided form, uploads the signed contract and submits.
    member_ctx, page = _login(browser, live_server, "hua")
    page.goto(live_server.url + "/contracts/")
    page.get_by_role("link", name="新建合同登记").click()
    assert "照抄合同封面上的名称" in page.content()
    page.get_by_label("合同名称").fill("抽油机远程控制系统技术开发合同")
    page.get_by_label("合同类型").select_option("development")
    page.get_by_label("合同子类").select_option("commissioned")
    page.get_by_label("签订日期").fill("2026-03-02")
    page.get_by_label("有效期起").fill("2026-03-02")
    page.get_by_label("有效期止").fill("2027-03-01")
    assert page.locator('[name="seller-0-name"]').input_value() == organization.name
    page.locator('[name="buyer-0-name"]').fill(buyer.name)
    page.locator('[name="buyer-0-uscc"]').fill(buyer.uscc)
    page.get_by_label("合同成交额（元）").fill("800000")
    page.locator('[name="cost-0-kind"]').select_option("equipment")
    page.locator('[name="cost-0-amount"]').fill("100000")
    page.get_by_label("技术领域").select_option("electronics")
    page.get_by_label("知识产权类型").select_option("software")
    page.get_by_label("支付方式").select_option("instalments")
    page.get_by_role("button", name="保存草稿").click()
    assert "草稿已保存" in page.content()
    assert "签字盖章的合同文本（PDF）" in page.locator("#missing-list").inner_text()
    page.locator('input[name="file"]').set_input_files(str(scan))
    page.get_by_role("button", name="上传").click()
    assert "必填内容已齐全" in page.locator("#missing-list").inner_text()
    page.get_by_role("button", name="提交登记").click()
    assert page.locator("#contract-status").inner_text() == "已提交"
    contract = Contract.objects.get()
    assert contract.technical_amount == 700000

    # The officer accepts it and returns it for correction.
    officer_ctx, officer = _login(browser, live_server, "li")
    officer.goto(live_server.url + "/contracts/queue/")
    officer.get_by_role("link", name="抽油机远程控制系统技术开发合同").click()
    officer.get_by_role("button", name="受理").click()
    officer.locator('form[action$="/act/return/"] textarea[name="reason"]').fill("请补充乙方盖章页")
    officer.get_by_role("button", name="退回补正").click()
    assert officer.locator("#contract-status").inner_text() == "退回补正"

    # The member sees why, corrects and resubmits.
    page.reload()
    assert "请补充乙方盖章页" in page.get_by_role("alert").first.inner_text()
    page.get_by_role("link", name="修改填报内容").click()
    page.get_by_label("合同名称").fill("抽油机远程控制系统技术开发合同（补正）")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_role("button", name="提交登记").click()
    assert page.locator("#contract-status").inner_text() == "已提交"

    # The officer accepts again (a new acceptance date) and registers it.
    officer.reload()
    officer.get_by_role("button", name="受理").click()
    officer.get_by_role("button", name="准予登记").click()
    assert officer.locator("#contract-status").inner_text() == "已登记"
    contract.refresh_from_db()
    assert contract.status == Status.REGISTERED

    # The member downloads the certificate.
    page.reload()
    number = page.locator("#registration-number").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载登记证明（PDF）").click()
    certificate = tmp_path / "certificate.pdf"
    download.value.save_as(certificate)
    text = subprocess.run(
        ["pdftotext", str(certificate), "-"], capture_output=True, text=True, check=True
    ).stdout
    compact = re.sub(r"\s", "", text)  # the printed URL may wrap
    assert number in compact and "抽油机远程控制系统技术开发合同（补正）" in compact
    url = re.search(r"http://[^/]+/contracts/verify/\?number=\d+&code=[A-Z0-9]+", compact).group(0)
    assert url.startswith(live_server.url)

    # An anonymous visitor opens the QR code's URL.
    anonymous = browser.new_context(locale="zh-CN")
    visitor = anonymous.new_page()
    visitor.goto(url)
    result = visitor.locator("#verify-result").inner_text()
    assert "登记有效" in result and number in result and buyer.name in result
    assert "800,000" not in visitor.content()
    for ctx in (member_ctx, officer_ctx, anonymous):
        ctx.close()
