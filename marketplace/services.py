"""Writes of the technology market: listings, moderation, inquiries, notices, matching."""

import hashlib
import html
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any, TypedDict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, WorkflowState
from wagtail.rich_text import RichText

from core.identifiers import make_uscc
from core.models import District, Industry, Membership, Organization
from core.numbers import decimal_parse
from core.phrases import Phrase, phrase_join
from core.roles import Role
from core.selectors import organizations_for_user
from core.services import audit_record
from core.types import AnyUser, User
from core.uploads import document_check, image_check
from core.vocabularies import vocabulary_resolve
from marketplace.matching import match_score
from marketplace.models import (
    KIND_MODELS,
    RESERVED_SLUGS,
    CooperationMode,
    ExpiryReminder,
    HolderType,
    Inquiry,
    InquiryMessage,
    ListingPage,
    ListingPatentCheck,
    MarketIndexPage,
    MatchSubscription,
    Notice,
    TechnologyDemandPage,
    TechnologyResultPage,
)
from marketplace.patents import listing_patents, patents_flag_reason
from marketplace.selectors import inquiry_can_read, inquiry_is_seller, listings_live
from marketplace.tasks import notice_email_send
from marketplace.taxonomy import (
    DISTRICTS_OUTSIDE,
    HOLDER_TYPE_FOR_ORGANIZATION_KIND,
)

logger = logging.getLogger(__name__)

DEFAULT_VALIDITY = timedelta(days=365)


class PatentRecheck(TypedDict):
    checked: int
    flagged: int
    newly_flagged: int


# Taxonomy lookups ---------------------------------------------------------------------------


def mode_resolve(name: str) -> CooperationMode:
    name = (name or "").strip()
    for mode in CooperationMode.objects.all():
        if name in (mode.name, mode.code) or name in mode.alias_list:
            return mode
    raise ValidationError(_("合作方式“%(name)s”不存在") % {"name": name})


def industry_resolve(name: str) -> Industry:
    """Canonical names, short forms (先进制造) and English names, through the shared vocabulary."""
    industry: Industry = vocabulary_resolve("industry", (name or "").strip(), label=_("行业"))
    return industry


def district_resolve(name: str | None) -> District | None:
    name = (name or "").strip()
    if name in DISTRICTS_OUTSIDE:
        return None
    district: District = vocabulary_resolve("district", name, label=_("区县"))
    return district


def holder_type_for_organization(organization: Organization) -> HolderType | None:
    code = HOLDER_TYPE_FOR_ORGANIZATION_KIND.get(organization.kind, "enterprise")
    return HolderType.objects.filter(code=code).first()


def market_index() -> MarketIndexPage:
    index: MarketIndexPage | None = MarketIndexPage.objects.first()
    if index is None:
        raise ValidationError(_("技术市场首页不存在，请先运行数据库迁移"))
    return index


def text_to_body(text: str) -> list[tuple[str, RichText]]:
    """Plain text → one sanitised rich-text paragraph block per line."""
    paragraphs = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not paragraphs:
        return []
    source = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return [("paragraph", RichText(source))]


def body_text(page: ListingPage) -> str:
    """The plain text of the body's paragraphs (what the front-end form edits)."""
    parts = []
    for block in page.body:
        if block.block_type == "paragraph":
            source = block.value.source.replace("</p>", "\n")
            parts.append(html.unescape(strip_tags(source)).strip())
    return "\n".join(p for p in parts if p)


def _unique_slug(parent: Page, base: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(base, allow_unicode=True)[:60] or "listing"
    slug, n = base, 1
    siblings = parent.get_children()
    if exclude_pk:
        siblings = siblings.exclude(pk=exclude_pk)
    while slug in RESERVED_SLUGS or siblings.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


# Organisations ------------------------------------------------------------------------------


def organization_for_import(
    *, name: str, district: District | None, industry: Industry
) -> tuple[Organization, bool]:
    """Find an organisation by name, or create one with a deterministic demo-range USCC."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("发布机构名称（owner_name）不能为空"))
    organization = Organization.objects.filter(name=name).order_by("pk").first()
    if organization:
        return organization, False
    if any(word in name for word in ("大学", "学院")):
        kind = Organization.Kind.UNIVERSITY
    elif any(word in name for word in ("研究院", "研究所", "研究中心")):
        kind = Organization.Kind.INSTITUTE
    else:
        kind = Organization.Kind.ENTERPRISE
    uscc = _uscc_for_name(name, kind=kind, district=district)
    organization = Organization.objects.create(
        name=name, uscc=uscc, kind=kind, district=district, industry=industry
    )
    return organization, True


def _uscc_for_name(name: str, *, kind: str, district: District | None) -> str:
    """A valid USCC derived from the name, so re-imports on another machine agree."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    digest = int(hashlib.sha256(name.encode()).hexdigest(), 16)
    authority = "91" if kind == Organization.Kind.ENTERPRISE else "12"
    region = (district.division_code if district and district.division_code else "") or "211100"
    for attempt in range(50):
        n = digest + attempt
        body = ""
        for _step in range(6):
            n, r = divmod(n, len(alphabet))
            body += alphabet[r]
        uscc = make_uscc(authority + region, "MK" + body)
        if not Organization.objects.filter(uscc=uscc).exists():
            return uscc
    raise ValidationError(_("无法为机构“%(name)s”生成统一社会信用代码") % {"name": name})


# Listing pages ------------------------------------------------------------------------------


def _apply(page: ListingPage, values: dict[str, Any], modes: list[CooperationMode]) -> None:
    for name, value in values.items():
        setattr(page, name, value)
    page.modes = modes


def _listing_state(page: ListingPage) -> dict[str, object]:
    return {
        "title": page.title,
        "summary": page.summary,
        "title_en": page.title_en,
        "summary_en": page.summary_en,
        "industry_id": page.industry_id,
        "trl": page.trl,
        "price_wan": page.price_wan,
        "organization_id": page.organization_id,
        "holder_type_id": page.holder_type_id,
        "district_id": page.district_id,
        "keywords": page.keywords,
        "patents": page.patents,
        "body": body_text(page),
        "modes": sorted(m.pk for m in page.modes.all()),
        "budget_max_wan": getattr(page, "budget_max_wan", None),
    }


@transaction.atomic
def listing_import_row(*, row: dict[str, Any], user: User | None = None) -> str:
    """Create or update one published listing from an import row; returns what happened."""
    kind = (row.get("kind") or "").strip()
    model = KIND_MODELS.get(kind)
    if model is None:
        raise ValidationError(
            {"kind": gettext("类型“%(kind)s”无效，应为 technology 或 demand") % {"kind": kind}}
        )
    external_id = str(row.get("external_id") or "").strip()
    if not external_id:
        raise ValidationError({"external_id": gettext("external_id 不能为空")})
    other = KIND_MODELS["demand" if kind == "technology" else "technology"]
    if other.objects.filter(external_id=external_id).exists():
        raise ValidationError(
            {
                "external_id": gettext("“%(external_id)s”已作为另一类挂牌存在")
                % {"external_id": external_id}
            }
        )
    errors: dict[str, str | list[str]] = {}
    title = str(row.get("title") or "").strip()
    if not title:
        errors["title"] = gettext("标题不能为空")
    values: dict[str, Any] = {
        "title": title,
        "summary": str(row.get("summary") or "").strip(),
        # The owner's English wording, optional: shown to English readers, found by English words.
        "title_en": str(row.get("title_en") or "").strip(),
        "summary_en": str(row.get("summary_en") or "").strip(),
    }
    if not values["summary"]:
        errors["summary"] = gettext("一句话简介不能为空")
    try:
        industry = industry_resolve(str(row.get("industry") or ""))
    except ValidationError as exc:
        errors["industry"] = exc.messages
        industry = None
    try:
        district = district_resolve(row.get("district"))
    except ValidationError as exc:
        errors["district"] = exc.messages
        district = None
    trl = row.get("trl")
    if trl in (None, ""):
        trl = None
    else:
        try:
            trl = int(trl)
        except (TypeError, ValueError):
            errors["trl"] = gettext("技术就绪水平“%(trl)s”应为 1–9 的整数") % {"trl": trl}
            trl = None
        else:
            if not 1 <= trl <= 9:
                errors["trl"] = gettext("技术就绪水平“%(trl)s”应为 1–9 的整数") % {"trl": trl}
    try:
        price = decimal_parse(row.get("price_wan"), label=gettext("价格（万元）"))
    except ValidationError as exc:
        errors["price_wan"] = exc.messages
        price = None
    modes: list[CooperationMode] = []
    raw_modes = row.get("modes") or []
    if isinstance(raw_modes, str):
        raw_modes = [m for m in raw_modes.replace("，", ",").replace("、", ",").split(",") if m]
    mode_errors: list[str] = []
    for name in raw_modes:
        try:
            mode = mode_resolve(str(name))
        except ValidationError as exc:
            mode_errors.extend(exc.messages)
            continue
        if mode not in modes:
            modes.append(mode)
    keywords = row.get("keywords") or []
    if isinstance(keywords, str):
        keywords = [keywords]
    patents = row.get("patents") or []
    if isinstance(patents, str):
        patents = [patents]
    if mode_errors:
        errors["modes"] = mode_errors
    if errors:
        raise ValidationError(errors)
    assert industry is not None  # a failed lookup is in `errors`
    organization, _ = organization_for_import(
        name=str(row.get("owner_name") or ""), district=district, industry=industry
    )
    values.update(
        {
            "external_id": external_id,
            "industry": industry,
            "district": district,
            "trl": trl,
            "price_wan": price,
            "organization": organization,
            "holder_type": holder_type_for_organization(organization),
            "keywords": "，".join(str(k).strip() for k in keywords if str(k).strip()),
            "patents": "\n".join(str(p) for p in patents),
            "body": text_to_body(str(row.get("body") or "")),
        }
    )
    if model is TechnologyDemandPage:
        values["budget_max_wan"] = price
    page = model.objects.filter(external_id=external_id).first()
    if page is not None:
        before = _listing_state(page)
        draft = page.get_latest_revision_as_object() if page.has_unpublished_changes else page
        _apply(draft, values, modes)
        # full_clean normalises keywords and patent numbers before the comparison.
        draft.full_clean()
        if page.live and not page.has_unpublished_changes and _listing_state(draft) == before:
            return "unchanged"
        revision = draft.save_revision(user=user, clean=False)
        revision.publish(user=user)
        listing_patents_check(listing=model.objects.get(pk=page.pk))
        return "updated"
    page = model(slug=_unique_slug(market_index(), external_id), live=True)
    _apply(page, values, modes)
    if page.valid_until is None:
        page.valid_from = timezone.localdate()
        page.valid_until = page.valid_from + DEFAULT_VALIDITY
    market_index().add_child(instance=page)
    page.save_revision(user=user).publish(user=user)
    listing_patents_check(listing=page)
    return "created"


def _require_member(*, user: AnyUser, organization: Organization | None) -> Organization:
    """The listing's organisation, when the user is one of its members."""
    if (
        organization is None
        or not user.is_authenticated
        or not (organizations_for_user(user=user).filter(pk=organization.pk).exists())
    ):
        raise PermissionDenied(_("只能管理本机构的挂牌"))
    return organization


@transaction.atomic
def listing_save_draft(
    *,
    user: User,
    organization: Organization | None,
    kind: str,
    data: dict[str, Any],
    listing: ListingPage | None = None,
) -> ListingPage:
    """Save the front-end form as a draft revision (never published here)."""
    model = KIND_MODELS[kind]
    member_of = _require_member(
        user=user, organization=listing.organization if listing is not None else organization
    )
    modes = list(data.pop("modes", []))
    body = data.pop("body_text", None)
    if listing is None:
        page = model(live=False, organization=member_of)
        _apply(page, data, modes)
        page.holder_type = page.holder_type or holder_type_for_organization(member_of)
        if body is not None:
            page.body = text_to_body(body)
        page.slug = _unique_slug(
            market_index(), f"{'r' if kind == 'technology' else 'd'}-{page.title}"
        )
        if page.valid_until is None:
            page.valid_from = page.valid_from or timezone.localdate()
            page.valid_until = page.valid_from + DEFAULT_VALIDITY
        market_index().add_child(instance=page)
        page.save_revision(user=user, clean=False)
        audit_record(actor=user, action="marketplace.listing.create", obj=page)
        return page
    if not isinstance(listing, model):
        raise ValidationError(_("挂牌类型不符"))
    draft = listing.get_latest_revision_as_object()
    _apply(draft, data, modes)
    draft.organization = member_of
    if body is not None:
        draft.body = text_to_body(body)
    draft.full_clean()
    draft.save_revision(user=user, clean=False)
    audit_record(actor=user, action="marketplace.listing.edit", obj=listing)
    saved: ListingPage = model.objects.get(pk=listing.pk)
    return saved


def listing_media_create(
    *,
    user: User,
    title: str,
    image_file: "UploadedFile[bytes] | None" = None,
    document_file: "UploadedFile[bytes] | None" = None,
) -> dict[str, Any]:
    """Uploaded cover image and attachment become Wagtail images/documents."""
    values: dict[str, Any] = {}
    if image_file is not None:
        try:
            image_check(_upload_content(image_file), name=image_file.name or "")
        except ValidationError as exc:
            raise ValidationError({"cover_image_file": exc.messages}) from exc
        image = get_image_model()(title=title[:255], file=image_file, uploaded_by_user=user)
        image._set_file_hash()
        image.save()
        values["cover_image"] = image
    if document_file is not None:
        try:
            document_check(
                _upload_content(document_file),
                name=document_file.name or "",
                extensions=settings.WAGTAILDOCS_EXTENSIONS,
            )
        except ValidationError as exc:
            raise ValidationError({"attachment_file": exc.messages}) from exc
        document = get_document_model()(
            title=title[:255], file=document_file, uploaded_by_user=user
        )
        # Size and hash as Wagtail's own upload form sets them (the hash is the served ETag).
        document._set_document_file_metadata()
        document.save()
        values["attachment"] = document
    return values


def _upload_content(uploaded: "UploadedFile[bytes]") -> bytes:
    uploaded.seek(0)
    content: bytes = uploaded.read()
    uploaded.seek(0)
    return content


def _moderators() -> QuerySet[User]:
    return User.objects.filter(groups__name=Role.MARKET_MODERATOR.value, is_active=True).distinct()


def _members(organization: Organization | None) -> QuerySet[User]:
    return User.objects.filter(
        pk__in=Membership.objects.filter(organization=organization).values("user"), is_active=True
    )


@transaction.atomic
def listing_submit(*, user: User, listing: ListingPage) -> WorkflowState:
    """Submit the latest revision to the market's moderation workflow."""
    _require_member(user=user, organization=listing.organization)
    listing = type(listing).objects.get(pk=listing.pk)
    workflow = listing.get_workflow()
    if workflow is None:
        raise ValidationError(_("未配置审核流程，请联系管理员"))
    current = listing.current_workflow_state
    if current is not None and current.status in (
        WorkflowState.STATUS_IN_PROGRESS,
        WorkflowState.STATUS_NEEDS_CHANGES,
    ):
        current.cancel(user=user)
    draft = listing.get_latest_revision_as_object()
    state = workflow.start(listing, user)
    check = listing_patents_check(listing=draft, page=listing)
    audit_record(actor=user, action="marketplace.listing.submit", obj=listing)
    note = (
        Phrase.of(gettext_noop("\n注意：%(reason)s"), reason=Phrase.from_json(check.reason_message))
        if check.flagged and check.reason_message
        else ""
    )
    notice_send(
        users=_moderators(),
        subject=Phrase.of(gettext_noop("待审核挂牌：%(title)s"), title=draft.title),
        body=Phrase.of(
            gettext_noop("%(organization)s 提交了%(kind_label)s“%(title)s”，请审核。%(note)s"),
            organization=listing.organization,
            kind_label=listing.kind_label,
            title=draft.title,
            note=note,
        ),
        url=f"/admin/pages/{listing.pk}/edit/",
    )
    return state


@transaction.atomic
def listing_withdraw(*, user: User, listing: ListingPage) -> None:
    """Owner takes a listing out of moderation and off the market."""
    _require_member(user=user, organization=listing.organization)
    current = listing.current_workflow_state
    if current is not None and current.status in (
        WorkflowState.STATUS_IN_PROGRESS,
        WorkflowState.STATUS_NEEDS_CHANGES,
    ):
        current.cancel(user=user)
    if listing.live:
        from wagtail.actions.unpublish_page import UnpublishPageAction

        # Membership was checked above; members hold no Wagtail page permissions.
        UnpublishPageAction(listing, user=user).execute(skip_permission_checks=True)
    audit_record(actor=user, action="marketplace.listing.withdraw", obj=listing)


def listing_patents_check(*, listing: ListingPage, page: Page | None = None) -> ListingPatentCheck:
    """Record whether the listing's patents are all lapsed or not held by its owner."""
    page = page or listing
    reason = patents_flag_reason(listing_patents(listing=listing))
    with translation.override(settings.LANGUAGE_CODE):
        reason_text = str(reason) if reason else ""
    check, _ = ListingPatentCheck.objects.update_or_create(
        page_id=page.pk,
        defaults={
            "flagged": reason is not None,
            "reason": reason_text,
            "reason_message": reason.to_json() if reason else {},
            "checked_at": timezone.now(),
        },
    )
    return check


def listings_patents_recheck() -> PatentRecheck:
    """Re-check every live listing's patents (legal status changes over time); run daily."""
    counts: PatentRecheck = {"checked": 0, "flagged": 0, "newly_flagged": 0}
    was_flagged = set(
        ListingPatentCheck.objects.filter(flagged=True).values_list("page_id", flat=True)
    )
    newly: list[ListingPage] = []
    for listing in listings_live():
        if not listing.patent_numbers:
            continue
        check = listing_patents_check(listing=listing)
        counts["checked"] += 1
        if check.flagged:
            counts["flagged"] += 1
            if listing.pk not in was_flagged:
                newly.append(listing)
    counts["newly_flagged"] = len(newly)
    if newly:
        lines = [
            Phrase.of(
                gettext_noop("%(title)s（%(organization)s）"),
                title=p.title,
                organization=p.organization,
            )
            for p in newly[:50]
        ]
        notice_send(
            users=_moderators(),
            subject=Phrase.of(gettext_noop("%(count)s 条挂牌的专利状态存疑"), count=len(newly)),
            body=phrase_join([part for line in lines for part in (line, "\n")][:-1]),
            url="/market/stats/flagged/",
        )
    return counts


# Moderation outcomes (called from signal handlers) ------------------------------------------


def listing_moderation_notify(*, listing: ListingPage, approved: bool, comment: str) -> None:
    if approved:
        subject = Phrase.of(gettext_noop("挂牌已通过审核：%(title)s"), title=listing.title)
        body = Phrase.of(gettext_noop("您的挂牌已发布到技术市场。"))
        if comment:
            body = Phrase.of(
                gettext_noop("您的挂牌已发布到技术市场。\n审核意见：%(comment)s"), comment=comment
            )
    else:
        subject = Phrase.of(gettext_noop("挂牌未通过审核：%(title)s"), title=listing.title)
        body = Phrase.of(
            gettext_noop("审核意见：%(comment)s\n请修改后重新提交。"),
            comment=comment or Phrase.of(gettext_noop("（无）")),
        )
    notice_send(
        users=_members(listing.organization), subject=subject, body=body, url="/market/mine/"
    )


# Expiry -------------------------------------------------------------------------------------


@transaction.atomic
def listings_expiry_notify(*, on: date | None = None, days_ahead: int = 14) -> int:
    """Tell owners about listings expired or expiring within `days_ahead`; once per date."""
    on = on or timezone.localdate()
    horizon = on + timedelta(days=days_ahead)
    sent = 0
    for model in KIND_MODELS.values():
        pages = model.objects.live().filter(valid_until__lte=horizon).select_related("organization")
        for page in pages:
            _, created = ExpiryReminder.objects.get_or_create(
                page_id=page.pk, valid_until=page.valid_until
            )
            if not created:
                continue
            valid_until = format(page.valid_until, "%Y-%m-%d")
            if page.valid_until < on:
                subject = Phrase.of(gettext_noop("挂牌已过期：%(title)s"), title=page.title)
                body = Phrase.of(
                    gettext_noop(
                        "有效期至 %(valid_until)s，已不在市场中显示。"
                        "请修改有效期并重新提交审核以续期。"
                    ),
                    valid_until=valid_until,
                )
            else:
                subject = Phrase.of(gettext_noop("挂牌即将过期：%(title)s"), title=page.title)
                body = Phrase.of(
                    gettext_noop("有效期至 %(valid_until)s。如需继续展示，请及时续期。"),
                    valid_until=valid_until,
                )
            notice_send(
                users=_members(page.organization), subject=subject, body=body, url="/market/mine/"
            )
            sent += 1
    return sent


# Notices ------------------------------------------------------------------------------------


_mail_enabled: ContextVar[bool] = ContextVar("market_mail_enabled", default=True)


@contextmanager
def mail_muted() -> Iterator[None]:
    """Keep in-site notices but send no e-mail (bulk demo loading)."""
    token = _mail_enabled.set(False)
    try:
        yield
    finally:
        _mail_enabled.reset(token)


def notice_send(
    *, users: Iterable[User], subject: Phrase, body: Phrase | None = None, url: str = ""
) -> int:
    """In-site notice for each user, plus an e-mail to those with an address.

    The notice keeps the message ids and parameters, so each recipient reads it (and gets the
    e-mail) in their own language; the text columns hold it in the site language."""
    message = {"subject": subject.to_json(), **({"body": body.to_json()} if body else {})}
    with translation.override(settings.LANGUAGE_CODE):
        subject_text, body_text = str(subject)[:200], str(body) if body else ""
    count = 0
    for user in users:
        notice = Notice.objects.create(
            user=user, subject=subject_text, body=body_text, message=message, url=url
        )
        if user.email and _mail_enabled.get():
            transaction.on_commit(partial(_notice_email_enqueue, notice.pk), robust=True)
        count += 1
    return count


def _notice_email_enqueue(notice_id: int) -> None:
    notice_email_send.enqueue(notice_id=notice_id)


def notices_mark_read(*, user: User) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# Inquiries ----------------------------------------------------------------------------------

TRANSITIONS = {
    Inquiry.Status.NEW: {Inquiry.Status.NEGOTIATING, Inquiry.Status.CLOSED},
    Inquiry.Status.NEGOTIATING: {Inquiry.Status.DEAL, Inquiry.Status.CLOSED},
    Inquiry.Status.DEAL: set(),
    Inquiry.Status.CLOSED: set(),
}


# The inquiry form and the API share these (the form's max_length is set from them).
INQUIRY_MESSAGE_MAX_CHARS = 2000
INQUIRY_REPLY_MAX_CHARS = 4000


def _inquiry_rate_check(*, user: User, now: datetime) -> None:
    # Lock the buyer's row so two workers cannot both pass the count at the same time.
    User.objects.select_for_update().filter(pk=user.pk).first()
    # Counted in the database so every worker process sees the same numbers.
    for limit, window in settings.MARKET_INQUIRY_RATE_LIMITS:
        # The window ends at `now`: an inquiry dated later (demo data, imports) is not "recent".
        recent = Inquiry.objects.filter(
            buyer=user, created_at__gte=now - window, created_at__lte=now
        ).count()
        if recent >= limit:
            hours = int(window.total_seconds() // 3600)
            span = (
                _("%(hours)s 小时") % {"hours": hours}
                if hours < 24
                else _("%(hours)s 天") % {"hours": hours // 24}
            )
            raise ValidationError(
                _("询价过于频繁：每 %(span)s最多 %(limit)s 条，请稍后再试")
                % {"span": span, "limit": limit},
                code="rate_limited",
            )


@transaction.atomic
def inquiry_create(
    *,
    buyer: User,
    listing: ListingPage,
    message: str,
    mode: CooperationMode | None = None,
    budget_wan: Decimal | None = None,
    now: datetime | None = None,
    organization: Organization | None = None,
) -> Inquiry:
    """`organization`: the one the buyer acts for (accounts' 切换机构); else their first."""
    now = now or timezone.now()
    if not buyer.is_authenticated:
        raise PermissionDenied(_("请先登录"))
    if not listings_live().filter(pk=listing.pk).exists():
        raise ValidationError(_("该挂牌已下架或已过期，不能询价"))
    buyer_organizations = organizations_for_user(user=buyer)
    # A deal is between organisations (it may become a contract between them), so a buyer must
    # act for one; staff accounts without one (moderators, officers) do not trade.
    if not buyer_organizations.exists():
        raise PermissionDenied(_("询价需以所属机构名义进行，请先由管理员将您的账号加入机构"))
    if buyer_organizations.filter(pk=listing.organization_id).exists():
        raise ValidationError(_("不能对本机构的挂牌询价"))
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("请填写询价内容")})
    if len(message) > INQUIRY_MESSAGE_MAX_CHARS:
        raise ValidationError(
            {
                "message": _("询价内容最多 %(inquiry_message_max_chars)s 字，现有 %(count)s 字")
                % {"inquiry_message_max_chars": INQUIRY_MESSAGE_MAX_CHARS, "count": len(message)}
            }
        )
    if mode is not None and not listing.modes.filter(pk=mode.pk).exists():
        raise ValidationError({"mode": _("该挂牌不提供“%(mode)s”合作方式") % {"mode": mode}})
    acting = buyer_organizations.first()
    if organization is not None:
        acting = buyer_organizations.filter(pk=organization.pk).first()
        if acting is None:
            raise PermissionDenied(_("只能以本人所属机构的名义询价"))
    if listing.organization is None:
        raise ValidationError(_("该挂牌没有发布机构，不能询价"))
    _inquiry_rate_check(user=buyer, now=now)
    inquiry = Inquiry.objects.create(
        listing_id=listing.pk,
        seller_organization=listing.organization,
        buyer=buyer,
        buyer_organization=acting,
        message=message,
        mode=mode,
        budget_wan=budget_wan,
        created_at=now,
    )
    InquiryMessage.objects.create(inquiry=inquiry, author=buyer, body=message, created_at=now)
    # The caller answers with what was stored (the budget as the column keeps it), not the input.
    inquiry.refresh_from_db(fields=["budget_wan"])
    audit_record(actor=buyer, action="marketplace.inquiry.create", obj=inquiry)
    notice_send(
        users=_members(listing.organization),
        subject=Phrase.of(gettext_noop("新询价：%(title)s"), title=listing.title),
        body=Phrase.of(
            gettext_noop("%(buyer)s：%(message)s"),
            buyer=inquiry.buyer_organization or buyer.username,
            message=message[:200],
        ),
        url=f"/market/inquiries/{inquiry.pk}/",
    )
    return inquiry


def _other_side(*, user: User, inquiry: Inquiry) -> QuerySet[User]:
    if inquiry_is_seller(user=user, inquiry=inquiry) and inquiry.buyer_id != user.pk:
        return User.objects.filter(pk=inquiry.buyer_id)
    return _members(inquiry.seller_organization)


@transaction.atomic
def inquiry_reply(*, user: User, inquiry: Inquiry, body: str) -> InquiryMessage:
    if not inquiry_can_read(user=user, inquiry=inquiry):
        raise PermissionDenied(_("无权查看该询价"))
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if not inquiry.is_open:
        raise ValidationError(_("该询价已结束，不能再回复"))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("请填写回复内容")})
    if len(body) > INQUIRY_REPLY_MAX_CHARS:
        raise ValidationError(
            {
                "body": _("回复最多 %(inquiry_reply_max_chars)s 字，现有 %(count)s 字")
                % {"inquiry_reply_max_chars": INQUIRY_REPLY_MAX_CHARS, "count": len(body)}
            }
        )
    message = InquiryMessage.objects.create(inquiry=inquiry, author=user, body=body)
    if inquiry.status == Inquiry.Status.NEW and inquiry_is_seller(user=user, inquiry=inquiry):
        # The seller's first answer opens the negotiation.
        inquiry.status = Inquiry.Status.NEGOTIATING
        inquiry.save(update_fields=["status", "updated_at"])
    notice_send(
        users=_other_side(user=user, inquiry=inquiry),
        subject=Phrase.of(gettext_noop("询价 #%(pk)s 有新回复"), pk=inquiry.pk),
        body=Phrase.verbatim(body[:300]),
        url=f"/market/inquiries/{inquiry.pk}/",
    )
    return message


@transaction.atomic
def inquiry_transition(
    *,
    user: User,
    inquiry: Inquiry,
    status: str,
    deal_price_wan: Decimal | None = None,
    deal_mode: CooperationMode | None = None,
    note: str = "",
) -> Inquiry:
    """新建 → 洽谈中 → 已成交 / 已关闭. The seller moves it; the buyer may only close it."""
    if not inquiry_can_read(user=user, inquiry=inquiry):
        raise PermissionDenied(_("无权操作该询价"))
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    seller = inquiry_is_seller(user=user, inquiry=inquiry)
    if not seller and status != Inquiry.Status.CLOSED:
        raise PermissionDenied(_("只有挂牌机构可以推进询价状态"))
    if status not in TRANSITIONS[Inquiry.Status(inquiry.status)]:
        raise ValidationError(
            _("不能从“%(status)s”变为“%(label)s”")
            % {"status": inquiry.get_status_display(), "label": Inquiry.Status(status).label}
        )
    changes = {"status": [inquiry.status, status]}
    if status == Inquiry.Status.DEAL:
        errors = {}
        if deal_price_wan is None or deal_price_wan <= 0:
            errors["deal_price_wan"] = _("成交须填写成交价（万元）")
        if deal_mode is None:
            errors["deal_mode"] = _("成交须选择合作方式")
        if errors:
            raise ValidationError(errors)
        assert deal_mode is not None  # checked just above
        inquiry.deal_price_wan = deal_price_wan
        inquiry.deal_mode = deal_mode
        changes["deal"] = [str(deal_price_wan), deal_mode.name]
    inquiry.status = status
    if status in (Inquiry.Status.DEAL, Inquiry.Status.CLOSED):
        inquiry.closed_at = timezone.now()
    inquiry.save()
    label = Inquiry.Status(status).label
    deal = (
        Phrase.of(
            gettext_noop("（成交价 %(deal_price_wan)s 万元，%(name)s）"),
            deal_price_wan=deal_price_wan,
            name=deal_mode,
        )
        if status == Inquiry.Status.DEAL
        else ""
    )
    change = (
        Phrase.of(gettext_noop("状态变更为“%(label)s”：%(note)s"), label=label, note=note)
        if note
        else Phrase.of(gettext_noop("状态变更为“%(label)s”"), label=label)
    )
    text = phrase_join([change, deal])
    with translation.override(settings.LANGUAGE_CODE):
        site_text = str(text)
    InquiryMessage.objects.create(
        inquiry=inquiry, author=user, body=site_text, message=text.to_json()
    )
    audit_record(
        actor=user, action="marketplace.inquiry.status", obj=inquiry, changes=changes, note=note
    )
    notice_send(
        users=_other_side(user=user, inquiry=inquiry),
        subject=Phrase.of(gettext_noop("询价 #%(pk)s %(label)s"), pk=inquiry.pk, label=label),
        body=text,
        url=f"/market/inquiries/{inquiry.pk}/",
    )
    return inquiry


# Matching subscriptions ---------------------------------------------------------------------


@transaction.atomic
def demand_subscribe(*, user: User, demand: TechnologyDemandPage, subscribe: bool = True) -> bool:
    _require_member(user=user, organization=demand.organization)
    if subscribe:
        MatchSubscription.objects.get_or_create(demand=demand, user=user)
    else:
        MatchSubscription.objects.filter(demand=demand, user=user).delete()
    return subscribe


def matches_notify_new_result(*, result: TechnologyResultPage) -> int:
    """Tell subscribed demand owners about a newly published result that matches."""
    sent = 0
    subscriptions = MatchSubscription.objects.select_related("demand", "user")
    for subscription in subscriptions:
        demand = subscription.demand.specific
        if not demand.live or demand.is_expired():
            continue
        match = match_score(demand=demand, result=result)
        if match is None:
            continue
        notice_send(
            users=[subscription.user],
            subject=Phrase.of(gettext_noop("新成果匹配您的需求“%(title)s”"), title=demand.title),
            body=Phrase.of(
                gettext_noop("%(title)s\n匹配理由：%(reasons)s"),
                title=result.title,
                reasons=match.reason_phrases,
            ),
            url=result.url or "",
        )
        sent += 1
    return sent
