"""A new enterprise gets in: sign up, confirm the e-mail from the outbox, apply for an
organisation, an administrator (with TOTP) approves it, the person posts a demand and sends an
inquiry, and invites a colleague who joins through the e-mailed link."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Invitation
from core.identifiers import make_uscc
from core.models import Membership, Organization
from core.roles import Role
from marketplace.models import Inquiry
from tests.accounts.factories import PNG
from tests.e2e.two_factor import pass_two_factor
from tests.factories import PASSWORD, OrganizationFactory
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

USCC = make_uscc("91211100", "MA0JRN01")
NEW_PASSWORD = "Panjin-Journey-2026!"


def _context(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _link_in_last_mail(to: str, pattern: str) -> str:
    message = next(m for m in reversed(mail.outbox) if to in m.to)
    return re.search(pattern, message.body)[0]


def _sign_up_and_confirm(page, base, *, username, email, next_url=""):
    page.goto(base + "/accounts/signup/" + (f"?next={next_url}" if next_url else ""))
    page.get_by_label("电子邮件").fill(email)
    page.get_by_label("用户名").fill(username)
    page.locator("input[name=password1]").fill(NEW_PASSWORD)
    page.locator("input[name=password2]").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(email)  # "we sent a confirmation e-mail"
    link = _link_in_last_mail(email, r"https?://\S+/accounts/confirm-email/\S+")
    page.goto(link)
    page.locator("main form button[type=submit]").click()


def test_new_enterprise_gets_in(live_server, browser, make_user):
    base = live_server.url
    make_user(Role.ADMINISTRATOR, username="boss")
    seller_org = OrganizationFactory(name="盘锦消泡科技有限公司")
    make_user(Role.ENTERPRISE_MEMBER, organization=seller_org, username="seller")
    listing = make_listing(title="胺法脱硫专用有机硅消泡剂", organization=seller_org)

    # 1. Sign up and confirm the address from the outbox.
    ctx, page = _context(browser)
    _sign_up_and_confirm(page, base, username="zhao", email="zhao@haiyang.example")
    page.goto(base + "/accounts/")
    expect(page.locator("main")).to_contain_text("您还不属于任何机构")

    # 2. Apply for a new organisation with a licence image.
    page.get_by_role("link", name="申请创建机构").click()
    page.get_by_label("统一社会信用代码").fill(USCC)
    page.get_by_label("机构名称").fill("盘锦海洋装备科技有限公司")
    page.get_by_label("机构类型").select_option(label="企业")
    page.get_by_label("所属区县").select_option(label="兴隆台区")
    page.get_by_label("行业").select_option(label="海洋工程")
    page.get_by_label("地址").fill("盘锦市兴隆台区渤海路 6 号")
    page.get_by_label("联系人").fill("赵经理")
    page.get_by_label("联系电话").fill("0427-6660001")
    page.set_input_files(
        "input[name=licence]",
        files=[{"name": "营业执照.png", "mimeType": "image/png", "buffer": PNG}],
    )
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("main")).to_contain_text("待审核")

    # 3. The platform administrator signs in with TOTP and approves it.
    admin_ctx, admin = _context(browser)
    admin.goto(base + "/accounts/login/?next=/accounts/review/")
    admin.get_by_label("用户名").fill("boss")
    admin.get_by_label("密码").fill(PASSWORD)
    admin.get_by_role("button", name="登录").click()
    pass_two_factor(admin)
    admin.wait_for_url("**/accounts/review/")
    application = admin.locator("section.application", has_text="盘锦海洋装备科技有限公司")
    expect(application).to_contain_text("登记库中没有此代码")
    application.get_by_role("button", name="通过", exact=True).click()
    expect(admin.locator("main")).to_contain_text("已通过“盘锦海洋装备科技有限公司”")
    admin_ctx.close()
    organization = Organization.objects.get(uscc=USCC)
    assert organization.status == Organization.Status.APPROVED
    assert any("已通过审核" in m.subject for m in mail.outbox if "zhao@haiyang.example" in m.to)

    # 4. The new administrator posts a demand and sends an inquiry.
    page.goto(base + "/market/new/demand/")
    page.get_by_label("标题").fill("海上平台防腐涂层技术需求")
    page.get_by_label("一句话简介").fill("寻求耐盐雾 3000 小时以上的防腐涂层")
    page.locator("select[name=industry]").select_option(label="海洋工程")
    page.locator("input[name=modes]").first.check()
    page.get_by_role("button", name="保存并提交审核").click()
    expect(page.locator("main")).to_contain_text("海上平台防腐涂层技术需求")
    page.goto(base + listing.url)
    page.get_by_label("询价内容").fill("我司海上平台脱硫装置需要，请报价")
    page.get_by_role("button", name="发送询价").click()
    expect(page.locator(".inquiry-status")).to_have_text("新建")
    inquiry = Inquiry.objects.get()
    assert inquiry.buyer_organization == organization

    # 5. Invite a colleague, who signs up with that address and joins through the link.
    page.goto(base + "/accounts/")
    page.get_by_role("link", name="管理成员").click()
    page.get_by_label("同事的邮箱").fill("qian@haiyang.example")
    page.get_by_role("button", name="发送邀请邮件").click()
    expect(page.locator("main")).to_contain_text("已向 qian@haiyang.example 发出邀请")
    invite_link = _link_in_last_mail(
        "qian@haiyang.example", r"https?://\S+/accounts/invitations/\S+/"
    )
    invite_path = re.sub(r"^https?://[^/]+", "", invite_link)
    ctx.close()

    colleague_ctx, colleague = _context(browser)
    colleague.goto(base + invite_path)
    expect(colleague.locator("main")).to_contain_text("盘锦海洋装备科技有限公司")
    _sign_up_and_confirm(
        colleague, base, username="qian", email="qian@haiyang.example", next_url=invite_path
    )
    colleague.goto(base + invite_path)
    colleague.get_by_role("button", name="接受邀请，加入机构").click()
    expect(colleague.locator("main")).to_contain_text("您已加入“盘锦海洋装备科技有限公司”")
    membership = Membership.objects.get(user__username="qian")
    assert membership.organization == organization
    assert membership.role == Membership.Role.MEMBER
    assert Invitation.objects.get().accepted_at is not None
    colleague_ctx.close()
