"""A person's language follows them: an English-reading seller switches once, and later, on
another browser, logs in to English pages and an English notice (and e-mail) about a Chinese
buyer's inquiry (issue 14)."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from core.roles import Role
from tests.e2e.test_market_journey import log_in
from tests.factories import OrganizationFactory
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _fresh_page(browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_the_seller_language_reaches_them_on_another_browser(live_server, browser, make_user):
    seller_org = OrganizationFactory(name="盘锦双语消泡科技有限公司")
    make_user(Role.ENTERPRISE_MEMBER, organization=seller_org, username="seller")
    make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory(), username="buyer")
    result = make_listing(title="有机硅消泡剂", organization=seller_org, modes=("transfer",))
    base = live_server.url

    # The seller switches to English once, with the footer's switch, while logged in.
    context, seller = _fresh_page(browser)
    log_in(seller, base, "seller")
    seller.locator("#language").select_option("en")
    seller.locator(".lang-switch button").click()
    expect(seller.locator("html")).to_have_attribute("lang", "en")
    context.close()

    # A buyer reading Chinese inquires.
    context, buyer = _fresh_page(browser)
    log_in(buyer, base, "buyer")
    buyer.goto(base + result.url)
    buyer.get_by_label("询价内容").fill("想了解中试数据")
    buyer.get_by_role("button", name="发送询价").click()
    expect(buyer.locator(".inquiry-status")).to_have_text("新建")
    context.close()

    # On a new browser the seller logs in (the form in Chinese) and lands in English.
    context, seller = _fresh_page(browser)
    log_in(seller, base, "seller")
    expect(seller.locator("html")).to_have_attribute("lang", "en")
    seller.goto(base + "/market/notices/")
    expect(seller.locator("main")).to_contain_text(f"New inquiry: {result.title}")
    expect(seller.locator("main")).not_to_contain_text("新询价")
    context.close()
    sent = [m for m in mail.outbox if m.to == ["seller@example.com"]]
    assert sent and sent[-1].subject.endswith(f"New inquiry: {result.title}")
