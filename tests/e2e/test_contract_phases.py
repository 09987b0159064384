"""Two phases of one cooperation, same day, same parties, same total: both get registered."""

import pytest

from contracts.models import Contract, Status
from core.roles import Role
from tests.contracts.factories import pdf_bytes
from tests.e2e.test_contract_journey import _login, reference_data  # noqa: F401
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _register_phase(page, live_server, buyer, scan, n: int) -> None:
    page.goto(live_server.url + "/contracts/")
    page.get_by_role("link", name="新建合同登记").click()
    page.get_by_label("合同名称").fill(f"稠油降黏技术合作（第{n}期）")
    page.get_by_label("合同类型").select_option("transfer")
    page.get_by_label("合同子类").select_option("know_how")
    page.get_by_label("签订日期").fill("2026-03-02")
    page.get_by_label("有效期起").fill("2026-03-02")
    page.get_by_label("有效期止").fill("2027-03-01")
    page.locator('[name="buyer-0-name"]').fill(buyer.name)
    page.locator('[name="buyer-0-uscc"]').fill(buyer.uscc)
    # Two declared figures, no itemised costs.
    page.get_by_label("合同成交额（元）").fill("800000")
    page.get_by_label("技术交易额（元）").fill("600000")
    page.get_by_label("非技术性费用（元）", exact=True).fill("200000")
    page.get_by_label("技术领域").select_option("energy")
    page.get_by_label("知识产权类型").select_option("know_how")
    page.get_by_label("支付方式").select_option("instalments")
    page.get_by_role("button", name="保存草稿").click()
    assert "草稿已保存" in page.content()
    page.locator('input[name="file"]').set_input_files(str(scan))
    page.get_by_role("button", name="上传").click()
    assert "必填内容已齐全" in page.locator("#missing-list").inner_text()
    page.get_by_role("button", name="提交登记").click()
    assert page.locator("#contract-status").inner_text() == "已提交"


@pytest.mark.usefixtures("reference_data")
def test_two_phases_are_registered_with_consecutive_numbers(
    live_server,
    browser,
    make_user,
    tmp_path,
):
    organization = OrganizationFactory()
    make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="hua")
    make_user(Role.REGISTRY_OFFICER, username="li")
    buyer = OrganizationFactory(name="盘锦辽河油田装备有限公司")
    scan = tmp_path / "签字合同.pdf"
    scan.write_bytes(pdf_bytes("signed"))

    member_ctx, page = _login(browser, live_server, "hua")
    for n in (1, 2):
        _register_phase(page, live_server, buyer, scan, n)
    assert Contract.objects.filter(status=Status.SUBMITTED).count() == 2

    officer_ctx, officer = _login(browser, live_server, "li")
    numbers = []
    for n in (1, 2):
        officer.goto(live_server.url + "/contracts/queue/")
        officer.get_by_role("link", name=f"稠油降黏技术合作（第{n}期）").click()
        officer.get_by_role("button", name="受理").click()
        officer.get_by_role("button", name="准予登记").click()
        assert officer.locator("#contract-status").inner_text() == "已登记"
        numbers.append(officer.locator("#registration-number").inner_text().strip())
    assert int(numbers[1]) == int(numbers[0]) + 1
    registered = Contract.objects.filter(status=Status.REGISTERED).order_by("registration_number")
    assert [c.technical_amount for c in registered] == [600000, 600000]
    for ctx in (member_ctx, officer_ctx):
        ctx.close()
