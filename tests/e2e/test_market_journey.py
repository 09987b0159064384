"""The buyer's journey: filter, open a result, inquire; the owner replies and closes the deal."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core.models import Industry
from core.roles import Role
from marketplace.models import Inquiry
from tests.factories import PASSWORD, OrganizationFactory
from tests.marketplace.factories import make_listing

# serialized_rollback: the market index, taxonomies and workflow come from data migrations,
# which a transactional test's flush would otherwise remove for the tests after it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")


def test_buyer_inquires_owner_replies_and_deal_closes(live_server, browser, make_user):
    seller_org = OrganizationFactory(name="盘锦消泡科技有限公司")
    make_user(Role.ENTERPRISE_MEMBER, organization=seller_org, username="seller")
    make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory(), username="buyer")
    result = make_listing(
        title="胺法脱硫专用有机硅消泡剂",
        organization=seller_org,
        trl=8,
        price_wan=Decimal("45"),
        modes=("transfer", "service"),
        contact_phone="0427-5550101",
    )
    make_listing(title="水稻育秧新技术", industry=Industry.objects.get(name="现代农业"), trl=6)
    base = live_server.url

    buyer_context = browser.new_context(locale="zh-CN")
    buyer = buyer_context.new_page()
    buyer.set_default_timeout(15_000)
    log_in(buyer, base, "buyer")
    buyer.get_by_role("navigation", name="主导航").get_by_role("link", name="科技成果").click()
    buyer.wait_for_url(base + "/market/results/")
    buyer.get_by_label("行业").select_option(label="精细化工")
    buyer.get_by_label("TRL 从").select_option("7")
    buyer.get_by_role("button", name="筛选").click()
    # Only the filters in use end up in the shareable URL.
    buyer.wait_for_url(
        re.compile(r"/market/results/\?industry=%E7%B2%BE%E7%BB%86%E5%8C%96%E5%B7%A5&trl_min=7$")
    )
    listings = buyer.locator("#listings")
    expect(listings).to_contain_text(result.title)
    expect(listings).not_to_contain_text("水稻育秧新技术")

    buyer.get_by_role("link", name=result.title).click()
    expect(buyer.get_by_role("heading", level=1)).to_have_text(result.title)
    expect(buyer.locator("main")).to_contain_text("0427-5550101")
    expect(buyer.locator("main")).to_contain_text("实际系统完成并通过试验验证")
    buyer.get_by_label("询价内容").fill("想采购 2 吨用于脱硫装置试用，请报价")
    buyer.get_by_label("意向合作方式").select_option(label="转让")
    buyer.get_by_label("预算（万元）").fill("40")
    buyer.get_by_role("button", name="发送询价").click()
    expect(buyer.locator(".inquiry-status")).to_have_text("新建")
    inquiry = Inquiry.objects.get()
    assert inquiry.buyer.username == "buyer" and inquiry.budget_wan == Decimal("40")

    seller_context = browser.new_context(locale="zh-CN")
    seller = seller_context.new_page()
    seller.set_default_timeout(15_000)
    log_in(seller, base, "seller")
    seller.goto(base + "/market/notices/")
    expect(seller.locator("main")).to_contain_text(f"新询价：{result.title}")
    seller.goto(base + "/market/inquiries/")
    seller.get_by_role("link", name=f"#{inquiry.pk}").first.click()
    expect(seller.locator("main")).to_contain_text("想采购 2 吨")
    seller.get_by_label("回复").fill("可以，45 万元含技术服务，欢迎来厂考察")
    seller.get_by_role("button", name="回复").click()
    expect(seller.locator(".inquiry-status")).to_have_text("洽谈中")

    buyer.reload()
    expect(buyer.locator(".thread")).to_contain_text("欢迎来厂考察")
    expect(buyer.locator(".inquiry-status")).to_have_text("洽谈中")

    seller.get_by_label("新状态").select_option(label="已成交")
    seller.get_by_label("成交价（万元）").fill("42")
    seller.get_by_label("成交合作方式").select_option(label="转让")
    seller.get_by_role("button", name="更新状态").click()
    expect(seller.locator(".inquiry-status")).to_have_text("已成交")

    buyer.reload()
    expect(buyer.locator(".inquiry-status")).to_have_text("已成交")
    expect(buyer.locator("main")).to_contain_text("42")
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.DEAL and inquiry.deal_price_wan == Decimal("42")
    buyer_context.close()
    seller_context.close()
