"""Every public and member page at 375, 768 and 1280 px: no sideways scroll, and what the page
is for (its heading, its first result) within the first screen. Screenshots are kept in
test-artifacts/screens/ (git-ignored) for a person to look over."""

import re
from pathlib import Path

import pytest

from core.roles import Role
from marketplace import services as market_services
from tests.contracts.factories import make_draft
from tests.factories import PASSWORD, OrganizationFactory
from tests.ip_registry.factories import EnterpriseFactory, patent_with_history
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {375: 740, 768: 1024, 1280: 900}  # width → height of the first screen
SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"


@pytest.fixture
def site(make_user):
    seller_org = OrganizationFactory(name="盘锦辽河化工新材料有限公司")
    member = make_user(Role.ENTERPRISE_MEMBER, organization=seller_org, username="layout")
    buyer = make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory(), username="lb")
    listings = [
        make_listing(
            organization=seller_org,
            title=f"含油污泥低温热解资源化处理成套技术（第 {n} 代）",
            summary="油泥减量 90% 以上，回收油品可直接回炼，适用于油田和炼化企业。",
        )
        for n in range(1, 4)
    ]
    demand = make_listing(kind="demand", organization=seller_org, title="求购 VOCs 在线监测技术")
    enterprise = EnterpriseFactory(name=seller_org.name, uscc=seller_org.uscc)
    patent = patent_with_history(holder=enterprise)
    inquiry = market_services.inquiry_create(buyer=buyer, listing=listings[0], message="请报价")
    contract = make_draft(member, seller_org)
    return {
        "member": member,
        "listing": listings[0],
        "demand": demand,
        "enterprise": enterprise,
        "patent": patent,
        "inquiry": inquiry,
        "contract": contract,
    }


def _public_pages(site) -> list[tuple[str, str]]:
    """(path, CSS selector of the element that must show in the first screen)."""
    return [
        ("/", "h1"),
        ("/market/results/", "#listings .listing-card, #listings article"),
        ("/market/demands/", "#listings .listing-card, #listings article"),
        (site["listing"].url, "h1"),
        (site["demand"].url, "h1"),
        (f"/market/org/{site['listing'].organization_id}/", "h1"),
        ("/market/stats/", "h1"),
        ("/search/?q=含油污泥", "article.result"),
        ("/registry/", "h1"),
        (f"/registry/enterprises/{site['enterprise'].uscc}/", "h1"),
        (f"/registry/patents/{site['patent'].application_number}/", "h1"),
        ("/contracts/", "h1"),
        ("/contracts/guide/", "h1"),
        ("/contracts/verify/", "h1"),
        ("/contracts/stats/", "h1"),
        ("/stats/", "h1"),
        ("/accounts/login/", "h1"),
    ]


def _member_pages(site) -> list[tuple[str, str]]:
    return [
        ("/market/mine/", "h1"),
        ("/market/new/technology/", "h1"),
        (f"/market/mine/{site['listing'].pk}/edit/", "h1"),
        ("/market/inquiries/", "h1"),
        (f"/market/inquiries/{site['inquiry'].pk}/", "h1"),
        ("/market/notices/", "h1"),
        ("/contracts/new/", "h1"),
        (f"/contracts/{site['contract'].pk}/", "h1"),
        ("/accounts/", "h1"),
    ]


def _check(page, base: str, path: str, selector: str, width: int, who: str) -> list[str]:
    response = page.goto(base + path)
    assert response.status < 400, (path, response.status)
    page.wait_for_load_state("load")
    problems = []
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        wide = page.evaluate(
            """(w) => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > w + 1)
                .slice(0, 3).map(e => e.tagName + '.' + e.className)""",
            width,
        )
        problems.append(f"{width}px {path}: scrollWidth {scroll} (too wide: {wide})")
    target = page.locator(selector).first
    box = target.bounding_box()
    if box is None or not target.is_visible():
        problems.append(f"{width}px {path}: {selector} not visible")
    elif box["y"] >= WIDTHS[width]:
        problems.append(
            f"{width}px {path}: {selector} starts at {box['y']:.0f}px, below the first screen"
        )
    name = re.sub(r"[^\w]+", "_", path).strip("_") or "home"
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENS / f"{who}-{name}-{width}.png", full_page=True)
    return problems


def test_every_page_fits_every_width(live_server, browser, site):
    problems = []
    for width, height in WIDTHS.items():
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(15_000)
        for path, selector in _public_pages(site):
            problems += _check(page, live_server.url, path, selector, width, "public")
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("用户名").fill(site["member"].username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(live_server.url + "/")
        for path, selector in _member_pages(site):
            problems += _check(page, live_server.url, path, selector, width, "member")
        context.close()
    assert problems == [], "\n".join(problems)
    assert len(list(SCREENS.glob("*.png"))) >= 3 * (
        len(_public_pages(site)) + len(_member_pages(site))
    )


def test_small_screens_show_results_before_the_folded_filters(live_server, browser, site):
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740})
    page = context.new_page()
    for path, result in [
        ("/market/results/", "#listings article"),
        ("/search/?q=含油污泥", "article.result"),
    ]:
        page.goto(live_server.url + path)
        fold = page.locator("details.fold").first
        assert fold.get_attribute("open") is None, path  # folded
        assert page.locator(result).first.bounding_box()["y"] < 740, path
        fold.locator("summary").click()
        assert fold.get_attribute("open") is not None
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 200, header
    context.close()
    wide = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = wide.new_page()
    page.goto(live_server.url + "/market/results/")
    assert page.locator("details.fold").first.get_attribute("open") is not None
    wide.close()
