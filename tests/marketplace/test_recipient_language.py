"""Notices and their e-mails reach each recipient in the recipient's language, whatever the
language of the person whose action caused them (issue 14)."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.utils import translation

from accounts.services import user_language_set
from core.phrases import Phrase
from marketplace import services
from marketplace.models import Inquiry, MatchSubscription, Notice
from marketplace.tasks import notice_email_send
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(seller_org, seller):
    return make_listing(organization=seller_org, modes=("transfer",))


def _inquire(client, buyer, listing, language, capture):
    client.force_login(buyer)
    client.cookies["django_language"] = language
    with capture(execute=True):
        response = client.post(
            f"/market/inquiries/new/{listing.pk}/", {"message": "想了解中试数据"}
        )
    assert response.status_code == HTTPStatus.FOUND
    return Inquiry.objects.get()


def test_a_chinese_buyer_reaches_an_english_seller_in_english(
    client, buyer, seller, listing, django_capture_on_commit_callbacks
):
    user_language_set(user=seller, language="en")
    _inquire(client, buyer, listing, "zh-hans", django_capture_on_commit_callbacks)

    sent = mail.outbox[-1]
    assert sent.to == [seller.email]
    assert sent.subject.endswith(f"New inquiry: {listing.title}")
    assert sent.subject.startswith("[Panjin Technology Market & IP Registry]")
    assert "新询价" not in sent.subject
    # The seller's notice page, read in the seller's language, says the same.
    client.force_login(seller)
    client.cookies["django_language"] = "en"
    page = client.get("/market/notices/").content.decode()
    assert f"New inquiry: {listing.title}" in page
    assert "想了解中试数据" in page  # what the buyer typed stays as typed
    assert "新询价" not in page


def test_an_english_buyer_reaches_a_chinese_seller_in_chinese(
    client, buyer, seller, listing, django_capture_on_commit_callbacks
):
    user_language_set(user=seller, language="zh-hans")
    _inquire(client, buyer, listing, "en", django_capture_on_commit_callbacks)

    sent = mail.outbox[-1]
    assert sent.subject == f"[盘锦科技成果交易与知识产权登记平台] 新询价：{listing.title}"
    client.force_login(seller)
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/market/notices/").content.decode()
    assert f"新询价：{listing.title}" in page and "New inquiry" not in page


def test_a_recipient_who_never_chose_reads_the_site_language(
    client, buyer, seller, listing, django_capture_on_commit_callbacks
):
    _inquire(client, buyer, listing, "en", django_capture_on_commit_callbacks)
    assert mail.outbox[-1].subject.endswith(f"新询价：{listing.title}")


def test_the_same_notice_reads_in_whichever_language_its_reader_uses_now(
    client, buyer, seller, listing, django_capture_on_commit_callbacks
):
    _inquire(client, buyer, listing, "zh-hans", django_capture_on_commit_callbacks)
    notice = Notice.objects.get(user=seller)
    assert notice.subject == f"新询价：{listing.title}"  # the stored site-language text
    assert notice.message["subject"]["msgid"] == "新询价：%(title)s"
    client.force_login(seller)
    for language, expected in (("en", "New inquiry: "), ("zh-hans", "新询价：")):
        client.cookies["django_language"] = language
        assert expected + listing.title in client.get("/market/notices/").content.decode()


def test_the_worker_renders_in_the_recipient_language_not_its_own(seller):
    """A queued mail carries only the notice id; the worker looks up whom it is for."""
    user_language_set(user=seller, language="en")
    services.notice_send(
        users=[seller],
        subject=Phrase.of("挂牌即将过期：%(title)s", title="消泡剂"),
        body=Phrase.of(
            "有效期至 %(valid_until)s。如需继续展示，请及时续期。", valid_until="2027-06-30"
        ),
        url="/market/mine/",
    )
    notice = Notice.objects.get(user=seller)
    mail.outbox.clear()
    with translation.override("zh-hans"):  # the worker's own language
        assert notice_email_send.call(notice_id=notice.pk) is True
    sent = mail.outbox[-1]
    assert sent.subject.endswith("Listing about to expire: 消泡剂")
    assert "It is valid until 2027-06-30." in sent.body
    assert sent.body.rstrip().endswith("/market/mine/")


def test_status_labels_and_deal_terms_follow_the_reader(
    client, buyer, seller, listing, django_capture_on_commit_callbacks
):
    inquiry = _inquire(client, buyer, listing, "zh-hans", django_capture_on_commit_callbacks)
    user_language_set(user=buyer, language="en")
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        services.inquiry_transition(
            user=seller, inquiry=inquiry, status=Inquiry.Status.NEGOTIATING, note="请提供报价"
        )
    sent = mail.outbox[-1]
    assert sent.to == [buyer.email]
    assert sent.subject.endswith(f"Inquiry #{inquiry.pk}: Negotiating")
    assert "Status changed to “Negotiating”: 请提供报价" in sent.body
    assert "洽谈中" not in sent.body and "状态变更" not in sent.body
    # The conversation's status line reads in each side's language too.
    client.force_login(buyer)
    client.cookies["django_language"] = "en"
    thread = client.get(f"/market/inquiries/{inquiry.pk}/").content.decode()
    assert "Status changed to “Negotiating”: 请提供报价" in thread
    client.force_login(seller)
    client.cookies["django_language"] = "zh-hans"
    thread = client.get(f"/market/inquiries/{inquiry.pk}/").content.decode()
    assert "状态变更为“洽谈中”：请提供报价" in thread
    assert "想了解中试数据" in thread  # typed lines stay as typed


def test_moderation_outcome_and_expiry_reach_members_in_their_language(
    seller_org, seller, make_user
):
    from core.roles import Role

    colleague = make_user(Role.ENTERPRISE_MEMBER, organization=seller_org, username="colleague")
    user_language_set(user=seller, language="en")
    listing = make_listing(organization=seller_org, title="有机硅消泡剂")
    with translation.override("zh-hans"):
        services.listing_moderation_notify(listing=listing, approved=False, comment="价格不清楚")
    english = Notice.objects.get(user=seller)
    chinese = Notice.objects.get(user=colleague)
    with translation.override("en"):
        assert english.subject_text == "Listing not approved: 有机硅消泡剂"
        assert "Moderator's comment: 价格不清楚" in english.body_text
    with translation.override("zh-hans"):
        assert chinese.subject_text == "挂牌未通过审核：有机硅消泡剂"
        assert chinese.body_text == "审核意见：价格不清楚\n请修改后重新提交。"


def test_match_reasons_are_rendered_for_the_reader(seller_org, seller, make_user):
    from core.roles import Role

    owner = make_user(Role.ENTERPRISE_MEMBER, organization=seller_org, username="demander")
    demand = make_listing(kind="demand", organization=seller_org, title="需要消泡剂")
    MatchSubscription.objects.create(demand=demand, user=owner)
    with translation.override("zh-hans"):  # publishing the result notifies the subscriber
        make_listing(title="有机硅消泡剂成果")
    notice = Notice.objects.get(user=owner)
    with translation.override("en"):
        assert notice.subject_text == "A new result matches your demand “需要消泡剂”"
        assert "Why it matches: Shared keywords: " in notice.body_text
        assert "共同关键词" not in notice.body_text
    with translation.override("zh-hans"):
        assert "匹配理由：共同关键词：" in notice.body_text


def test_an_old_notice_without_a_message_still_shows_its_text(client, seller):
    Notice.objects.create(user=seller, subject="旧通知：挂牌已过期", body="旧的正文")
    client.force_login(seller)
    client.cookies["django_language"] = "en"
    response = client.get("/market/notices/")
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "旧通知：挂牌已过期" in page and "旧的正文" in page


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_worker_mails_in_the_recipient_language(
    settings, buyer, seller, listing
):
    """Production's path: the notice's mail waits in django-tasks-db's queue and a worker,
    running in the site language, sends it later."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    user_language_set(user=seller, language="en")
    with translation.override("zh-hans"):  # a Chinese buyer
        services.inquiry_create(buyer=buyer, listing=listing, message="想了解中试数据")
    assert mail.outbox == []  # queued, not sent inline
    queued = DBTaskResult.objects.get(task_path=notice_email_send.module_path)
    with translation.override("zh-hans"):  # the worker's own language
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert mail.outbox[-1].to == [seller.email]
    assert mail.outbox[-1].subject.endswith(f"New inquiry: {listing.title}")


def test_a_flagged_submission_reaches_an_english_moderator_in_english(client, make_user):
    from datetime import date

    from core.models import Industry
    from core.roles import Role
    from ip_registry.selectors import PatentSnapshot
    from marketplace.models import CooperationMode
    from marketplace.patents import ListingPatent
    from tests.factories import OrganizationFactory

    moderator = make_user(Role.MARKET_MODERATOR, username="mod", email="mod@example.com")
    user_language_set(user=moderator, language="en")
    owner = make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory(), username="owner")
    client.force_login(owner)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        "/market/new/technology/",
        {
            "title": "稠油降粘剂",
            "summary": "降粘率≥95%",
            "industry": Industry.objects.get(name="精细化工").pk,
            "trl": "7",
            "modes": [CooperationMode.objects.get(code="transfer").pk],
            "price_wan": "30",
            "keywords": "稠油 降粘",
            "patents": "ZL 2020 1 0574318.6",  # not in the registry: the listing is flagged
            "body_text": "第一段",
            "submit": "1",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    notice = Notice.objects.get(user=moderator)
    with translation.override("en"):
        assert notice.subject_text == "Listing to review: 稠油降粘剂"
        assert "submitted the Technology results “稠油降粘剂” for review." in notice.body_text
        assert (
            "Note: None of the listed patents is in force and held by the publishing "
            "organisation: 202010574318.6: The patent is not in the register"
        ) in notice.body_text
    with translation.override("zh-hans"):
        assert "注意：所列专利均无效或不归发布机构所有：202010574318.6：登记库中无此专利" in (
            notice.body_text
        )

    # A lapsed patent's reason and date are rendered for the reader too.
    lapsed = ListingPatent(
        number="201710601862.3",
        snapshot=PatentSnapshot(
            number="201710601862.3",
            title="专利",
            patent_type="1",
            patent_type_label="发明",
            status="lapsed",
            status_label="未缴年费终止",
            in_force=False,
            holders=(),
            expiry_date=None,
            url="",
            status_since=date(2020, 1, 1),
        ),
        held_by_owner=True,
    )
    problem = Phrase.from_json(lapsed.problem_phrase.to_json())
    with translation.override("en"):
        assert str(problem).startswith("Patent: Lapsed (") and str(problem).endswith(
            ", 2020-01-01)"
        )
        assert "未缴年费" not in str(problem)
    with translation.override("zh-hans"):
        assert str(problem) == "专利已失效（未缴年费终止，2020-01-01）"


def test_the_flagged_list_reads_in_the_moderator_language(client, make_user):
    from core.roles import Role
    from marketplace.services import listing_patents_check

    moderator = make_user(Role.MARKET_MODERATOR, username="mod")
    listing = make_listing(patents="ZL 2020 1 0574318.6")  # unknown to the registry
    with translation.override("zh-hans"):
        check = listing_patents_check(listing=listing)
    assert check.flagged and "登记库中无此专利" in check.reason  # the site-language copy
    client.force_login(moderator)
    client.cookies["django_language"] = "en"
    page = client.get("/market/stats/flagged/").content.decode()
    assert "The patent is not in the register" in page and "登记库中无此专利" not in page


def test_wagtail_moderation_mails_follow_the_stored_language(
    client, make_user, django_capture_on_commit_callbacks
):
    """Wagtail's own workflow mails read the person's Wagtail profile, which the stored
    choice keeps in step."""
    from core.roles import Role
    from tests.factories import OrganizationFactory
    from tests.marketplace.test_moderation import create_via_form

    moderator = make_user(Role.MARKET_MODERATOR, username="mod", email="mod@example.com")
    owner = make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory(), username="owner")
    user_language_set(user=moderator, language="zh-hans")
    user_language_set(user=owner, language="en")
    client.force_login(owner)
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        page = create_via_form(client)
    to_moderator = [m.subject for m in mail.outbox if m.to == ["mod@example.com"]]
    assert to_moderator and all("submitted for approval" not in s for s in to_moderator)
    assert any("稠油降粘剂" in s and "审核" in s for s in to_moderator)
    mail.outbox.clear()
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        page.current_workflow_task_state.approve(user=moderator, comment="资料齐全")
    to_owner = [m.subject for m in mail.outbox if m.to == [owner.email]]
    # (The workflow's name, 技术市场挂牌审核, is data and stays as named.)
    assert to_owner and all("批准" not in s and "通过审核" not in s for s in to_owner)
    assert any("has been approved" in s for s in to_owner)
