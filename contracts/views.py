"""Pages: thin wrappers around services and selectors, each checking who may see what."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from contracts import charts, forms, services
from contracts.certificates import contract_certificate_get_or_create
from contracts.cleaning import amounts_complete
from contracts.disclosure import stats_data_version
from contracts.guide import contract_type_suggest
from contracts.inquiries import contract_from_inquiry
from contracts.models import SUBTYPES, Attachment, ChangeRequest, Contract, OfficerAction, Status
from contracts.prechecks import contract_missing_items, contract_precheck
from contracts.selectors import (
    GROUPS,
    OPEN_STATUSES,
    change_requests_pending,
    contract_get_for_user,
    contract_history,
    contract_stats,
    contract_stats_month_report,
    contract_stats_totals,
    contract_stats_years,
    contract_verify,
    contracts_visible_to,
    officer_queue,
    stats_min_public_count,
)
from core.exports import PDF_CONTENT_TYPE, download_response, spreadsheet_response
from core.feedback import flash_form_errors, flash_validation_error, service_run
from core.pdf import html_to_pdf
from core.pending import login_required_keeping_input, pending_input
from core.private_files import stored_file_response
from core.selectors import acting_organization, organizations_for_user
from core.throttle import client_key, single_render, throttle_allow


def index(request):
    user = request.user
    context = {"is_officer": services.user_is_officer(user)}
    if user.is_authenticated and not context["is_officer"]:
        context["contracts"] = contracts_visible_to(user=user)[:50]
        context["organizations"] = organizations_for_user(user=user)
    if context["is_officer"]:
        queue = officer_queue()
        context["open_count"] = len(queue)
        context["overdue_count"] = sum(c.is_overdue for c in queue)
        context["change_request_count"] = change_requests_pending().count()
    return render(request, "contracts/index.html", context)


def guide(request):
    form = forms.GuideForm(request.GET or None)
    suggestion = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        suggestion = contract_type_suggest(
            goal=data["goal"],
            we_do_the_work=data.get("we_do_the_work") != "both",
            ip_kind=data.get("ip_kind") or "",
            equity=data.get("equity") or False,
            service_kind=data.get("service_kind") or "",
        )
    return render(request, "contracts/guide.html", {"form": form, "suggestion": suggestion})


def _party_initial(contract: Contract | None, role: str, organization=None) -> list[dict]:
    if contract is None:
        if organization is None:
            return []
        return [
            {
                "name": organization.name,
                "uscc": organization.uscc,
                "party_type": "enterprise"
                if organization.kind in ("enterprise", "other")
                else organization.kind,
                "district": organization.district_id,
            }
        ]
    return [
        {
            "name": p.name,
            "uscc": p.uscc,
            "party_type": p.party_type,
            "district": p.district_id,
            "region": p.region,
        }
        for p in contract.parties.all()
        if p.role == role
    ]


def _contract_forms(request, contract=None, organization=None):
    data = request.POST if request.method == "POST" else pending_input(request)
    if contract is not None:
        initial = {field: getattr(contract, field) for field in forms.ContractForm.base_fields}
        costs = [
            {"kind": c.kind, "description": c.description, "amount": c.amount}
            for c in contract.costs.all()
        ]
        ip_items = [
            {"kind": i.kind, "number": i.number, "title": i.title} for i in contract.ip_items.all()
        ]
    else:
        initial = {
            "contract_type": request.GET.get("type", ""),
            "subtype": request.GET.get("subtype", ""),
        }
        costs, ip_items = [], []
    return {
        "form": forms.ContractForm(data, initial=initial),
        "sellers": forms.PartyFormSet(
            data, prefix="seller", initial=_party_initial(contract, "seller", organization)
        ),
        "buyers": forms.PartyFormSet(
            data, prefix="buyer", initial=_party_initial(contract, "buyer")
        ),
        "costs": forms.CostFormSet(data, prefix="cost", initial=costs),
        "ip_items": forms.IPItemFormSet(data, prefix="ip", initial=ip_items),
    }


def _collect(bundle) -> tuple[dict, dict] | None:
    if not all(f.is_valid() for f in bundle.values()):
        return None
    costs = [row for f in bundle["costs"] if (row := f.to_row())]
    # A figure left blank is derived: 技术交易额 = 合同成交额 − 非技术性费用.
    data = amounts_complete(dict(bundle["form"].cleaned_data), costs)
    for key in ("total_amount", "declared_technical_amount", "declared_non_technical_amount"):
        if data.get(key) is None:
            data[key] = 0
    children = {
        "parties": [row for f in bundle["sellers"] if (row := f.to_row("seller"))]
        + [row for f in bundle["buyers"] if (row := f.to_row("buyer"))],
        "costs": costs,
        "ip_items": [row for f in bundle["ip_items"] if (row := f.to_row())],
    }
    return data, children


def _form_page(request, bundle, contract=None, organizations=None, status=200):
    return render(
        request,
        "contracts/form.html",
        {
            **bundle,
            "contract": contract,
            "organizations": organizations,
            "subtypes": SUBTYPES,
        },
        status=status,
    )


@login_required_keeping_input
def contract_new(request):
    organizations = list(organizations_for_user(user=request.user))
    if not organizations:
        raise PermissionDenied(_("只有企业/机构成员可以申请技术合同登记"))
    chosen = request.POST.get("organization") or request.GET.get("organization")
    acting = acting_organization(user=request.user, session=request.session)
    organization = next(
        (o for o in organizations if str(o.pk) == chosen), acting or organizations[0]
    )
    bundle = _contract_forms(request, organization=organization)
    if request.method == "POST":
        collected = _collect(bundle)
        if collected:
            data, children = collected
            try:
                contract = services.contract_create(
                    user=request.user, organization=organization, data=data, **children
                )
            except ValidationError as exc:
                flash_validation_error(request, exc)
            else:
                messages.success(request, _("草稿已保存。上传合同文本后即可提交。"))
                return redirect("contracts:detail", pk=contract.pk)
        return _form_page(request, bundle, organizations=organizations, status=400)
    return _form_page(request, bundle, organizations=organizations)


@login_required_keeping_input
def contract_edit(request, pk):
    contract = contract_get_for_user(user=request.user, pk=pk)
    if not services.user_is_applicant(request.user, contract):
        raise PermissionDenied(_("只有申请机构的成员可以修改"))
    if contract.status not in services.EDITABLE_STATUSES:
        messages.error(
            request,
            _("合同当前状态为“%(status)s”，不能修改") % {"status": contract.get_status_display()},
        )
        return redirect("contracts:detail", pk=pk)
    bundle = _contract_forms(request, contract=contract)
    if request.method == "POST":
        collected = _collect(bundle)
        if collected:
            data, children = collected
            updated = service_run(
                request,
                lambda: services.contract_update(
                    user=request.user, contract=contract, data=data, **children
                ),
                _("已保存。"),
            )
            if updated is not None:
                return redirect("contracts:detail", pk=pk)
        return _form_page(request, bundle, contract=contract, status=400)
    return _form_page(request, bundle, contract=contract)


@login_required
def contract_detail(request, pk):
    contract = contract_get_for_user(user=request.user, pk=pk)
    is_applicant = services.user_is_applicant(request.user, contract)
    is_officer = services.user_is_officer(request.user)
    editable = is_applicant and contract.status in services.EDITABLE_STATUSES
    context = {
        "contract": contract,
        "is_applicant": is_applicant,
        "is_officer": is_officer,
        "editable": editable,
        "history": contract_history(contract=contract),
        "today": timezone.localdate(),
        "change_requests": list(contract.change_requests.select_related("requested_by")),
    }
    pending = [c for c in context["change_requests"] if c.status == "pending"]
    context["pending_request"] = pending[0] if pending else None
    if is_applicant and contract.status == Status.REGISTERED and not pending:
        context["change_request_form"] = forms.ChangeRequestForm()
    if editable:
        issues = contract_precheck(contract=contract)
        context.update(
            missing=contract_missing_items(contract=contract),
            errors=[i for i in issues if i["level"] == "error" and i["code"] != "missing"],
            warnings=[i for i in issues if i["level"] == "warning"],
            attachment_form=forms.AttachmentForm(),
            submit_form=forms.SubmitForm(initial={"explanation": contract.precheck_explanation}),
        )
    if is_officer:
        context.update(
            reason_form=forms.ReasonForm(),
            refuse_form=forms.RefuseForm(),
            adjust_form=forms.AdjustForm(initial={"amount": contract.technical_amount}),
            national_form=forms.NationalNumberForm(),
            amend_form=forms.AmendForm(),
            decision_form=forms.DecisionForm(),
        )
    return render(request, "contracts/detail.html", context)


@login_required
@require_POST
def attachment_upload(request, pk):
    contract = contract_get_for_user(user=request.user, pk=pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("contracts:detail", pk=pk)
    service_run(
        request,
        lambda: services.attachment_add(
            user=request.user,
            contract=contract,
            kind=form.cleaned_data["kind"],
            uploaded=form.cleaned_data["file"],
        ),
        _("已上传“%(name)s”。") % {"name": form.cleaned_data["file"].name},
    )
    return redirect("contracts:detail", pk=pk)


@login_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    contract = contract_get_for_user(user=request.user, pk=pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, contract=contract)
    service_run(
        request, lambda: services.attachment_delete(user=request.user, attachment=attachment)
    )
    return redirect("contracts:detail", pk=pk)


@login_required
def attachment_download(request, pk, attachment_pk):
    contract = contract_get_for_user(user=request.user, pk=pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, contract=contract)
    return stored_file_response(attachment.file, filename=attachment.original_name)


def _act(request, pk, action):
    contract = contract_get_for_user(user=request.user, pk=pk)
    service_run(request, lambda: action(contract))
    return redirect("contracts:detail", pk=pk)


@login_required
@require_POST
def contract_submit(request, pk):
    def act(contract):
        services.contract_submit(
            user=request.user,
            contract=contract,
            explanation=request.POST.get("explanation", ""),
        )
        messages.success(request, _("已提交，登记机构受理后开始计算审查期限。"))

    return _act(request, pk, act)


@login_required
@require_POST
def contract_withdraw(request, pk):
    def act(contract):
        services.contract_withdraw(user=request.user, contract=contract)
        messages.success(request, _("已撤回。"))

    return _act(request, pk, act)


def _officer_input(action: str, post) -> services.OfficerInput:
    amendment = {}
    if action == OfficerAction.AMEND:
        form = forms.AmendForm(post)
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        amendment = form.changes()
    return services.OfficerInput(
        reason=post.get("reason", ""),
        grounds=tuple(post.getlist("grounds")),
        note=post.get("note", ""),
        amount=post.get("amount", ""),
        national_number=post.get("national_number", ""),
        amendment=amendment,
    )


# Decisions that cannot be taken back are confirmed on a page of their own first.
IRREVERSIBLE = {
    "register": (
        gettext_lazy("准予登记"),
        gettext_lazy("登记后将分配登记编号、生成登记证明并公开可查，不能撤回。"),
        None,
    ),
    "refuse": (
        gettext_lazy("不予登记"),
        gettext_lazy("不予登记的决定将通知申请机构，不能撤回。"),
        forms.RefuseForm,
    ),
    "cancel": (
        gettext_lazy("注销登记"),
        gettext_lazy("注销后登记证明失效，公开查询将显示“已注销”，不能撤回。"),
        forms.ReasonForm,
    ),
}


def _confirm_page(request, contract, action):
    title, consequence, form_class = IRREVERSIBLE[action]
    form = form_class(request.POST) if form_class else None
    valid = form is None or form.is_valid()
    return render(
        request,
        "contracts/confirm.html",
        {
            "contract": contract,
            "action": action,
            "title": title,
            "consequence": consequence,
            "form": form,
            "valid": valid,
        },
        status=200 if valid else 400,
    )


@login_required
@require_POST
def officer_action(request, pk, action):
    if action not in OfficerAction.values:
        raise Http404(_("未知操作"))
    if not services.user_is_officer(request.user):
        raise PermissionDenied(_("只有合同登记员可以执行此操作"))
    if action in IRREVERSIBLE and request.POST.get("confirmed") != "1":
        return _confirm_page(request, contract_get_for_user(user=request.user, pk=pk), action)

    def act(contract):
        result = services.contract_officer_act(
            user=request.user,
            contract=contract,
            action=action,
            data=_officer_input(action, request.POST),
        )
        messages.success(
            request, _("已办理，当前状态：%(status)s。") % {"status": result.get_status_display()}
        )

    return _act(request, pk, act)


@login_required
@require_POST
def change_request_create(request, pk):
    """An applicant asks for 变更登记 / 注销登记 of a registered contract."""
    form = forms.ChangeRequestForm(request.POST)

    def act(contract):
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        change = services.change_request_submit(
            user=request.user,
            contract=contract,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
            changes=form.changes(),
        )
        messages.success(
            request,
            _("%(kind)s申请已提交，登记机构办理后会更新本页。")
            % {"kind": change.get_kind_display()},
        )

    return _act(request, pk, act)


DECISIONS = {
    "approve": lambda user, change, note: services.change_request_approve(
        user=user, request=change, note=note
    ),
    "reject": lambda user, change, note: services.change_request_reject(
        user=user, request=change, note=note
    ),
}


@login_required
@require_POST
def change_request_decide(request, pk, request_pk, decision):
    if decision not in DECISIONS:
        raise Http404(_("未知操作"))
    if not services.user_is_officer(request.user):
        raise PermissionDenied(_("只有合同登记员可以办理变更/注销申请"))

    def act(contract):
        change = get_object_or_404(ChangeRequest, pk=request_pk, contract=contract)
        change = DECISIONS[decision](request.user, change, request.POST.get("note", ""))
        messages.success(
            request,
            _("%(kind)s申请%(status)s。")
            % {"kind": change.get_kind_display(), "status": change.get_status_display()},
        )

    return _act(request, pk, act)


@login_required
def queue(request):
    if not services.user_is_officer(request.user):
        raise PermissionDenied(_("只有合同登记员可以查看审查队列"))
    status = request.GET.get("status") or None
    if status and status not in Status.values:
        status = None
    rows = officer_queue(status=status)
    return render(
        request,
        "contracts/queue.html",
        {
            "rows": rows,
            "change_requests": change_requests_pending(),
            "status": status,
            "statuses": [(s, Status(s).label) for s in OPEN_STATUSES]
            + [(Status.RETURNED, Status.RETURNED.label), (Status.REGISTERED, _("已登记"))],
        },
    )


@login_required
def certificate(request, pk):
    contract = contract_get_for_user(user=request.user, pk=pk)
    if contract.status not in (Status.REGISTERED, Status.CANCELLED):
        raise Http404(_("合同尚未登记，没有登记证明"))
    contract = contract_certificate_get_or_create(contract=contract, base_url=settings.SITE_URL)
    return stored_file_response(
        contract.certificate,
        filename=_("技术合同登记证明-%(registration_number)s.pdf")
        % {"registration_number": contract.registration_number},
        content_type="application/pdf",
    )


def verify(request):
    form = forms.VerifyForm(request.GET or None)
    contract = None
    checked = False
    if request.GET and form.is_valid():
        checked = True
        contract = contract_verify(
            number=form.cleaned_data["number"], code=form.cleaned_data["code"]
        )
    return render(
        request,
        "contracts/verify.html",
        {"form": form, "contract": contract, "checked": checked},
        status=404 if checked and contract is None else 200,
    )


@login_required
def from_inquiry(request, inquiry_id):
    try:
        contract = contract_from_inquiry(user=request.user, inquiry_id=inquiry_id)
    except ValidationError as exc:
        flash_validation_error(request, exc)
        return redirect("contracts:index")
    messages.success(request, _("已根据成交信息生成合同登记草稿，请核对后补充。"))
    return redirect("contracts:edit", pk=contract.pk)


# Statistics -----------------------------------------------------------------------------------


def _year(request) -> int | None:
    value = request.GET.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return None


def stats(request):
    year = _year(request)
    years = contract_stats_years()
    if year is None and "year" not in request.GET and years:
        year = years[0]
    group_by = request.GET.get("group_by", "type")
    if group_by not in GROUPS:
        group_by = "type"
    full = services.user_is_officer(request.user)
    rows = contract_stats(year=year, group_by=group_by, full=full)
    return render(
        request,
        "contracts/stats.html",
        {
            "year": year,
            "years": years,
            "group_by": group_by,
            "groups": GROUPS,
            "rows": rows,
            "totals": contract_stats_totals(year=year, full=full),
            "min_public_count": stats_min_public_count(),
            "chart": charts.bar_chart(rows, value="technical", title=_("技术交易额（万元）")),
            "count_chart": charts.bar_chart(rows, value="count", title=_("合同数（项）")),
            "months": range(1, 13),
        },
    )


HEADER = [
    gettext_lazy("分组"),
    gettext_lazy("合同数（项）"),
    gettext_lazy("合同成交额（元）"),
    gettext_lazy("技术交易额（元）"),
]


def stats_export(request, fmt):
    year = _year(request)
    group_by = request.GET.get("group_by", "type")
    if group_by not in GROUPS:
        raise Http404(_("未知分组"))
    rows = contract_stats(year=year, group_by=group_by, full=services.user_is_officer(request.user))
    title = _("技术合同%(year)s-%(groups)s") % {
        "year": year or _("全部年度"),
        "groups": GROUPS[group_by],
    }
    values = [[r["label"], r["count"], r["total"], r["technical"]] for r in rows]
    withheld = _("不足%(stats_min_public_count)s项，不公开") % {
        "stats_min_public_count": stats_min_public_count()
    }
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("未知格式"))
    # CSV carries amounts as text with two decimals, XLSX as numbers in a money format.
    amount = (lambda a: f"{a:.2f}") if fmt == "csv" else float
    # Labels can be organisation or district names: the kit neutralises formula cells.
    return spreadsheet_response(
        [str(header) for header in (GROUPS[group_by], *HEADER[1:])],
        ([v[0], v[1], *(withheld if a is None else amount(a) for a in v[2:])] for v in values),
        fmt=fmt,
        filename=title,
        sheet_title=_("统计"),
        number_formats={"C": "#,##0.00", "D": "#,##0.00"},
    )


REPORT_RENDERS_PER_CLIENT = 10  # fresh renders per client per REPORT_WINDOW_SECONDS
REPORT_WINDOW_SECONDS = 600


def _report_period(request) -> tuple[int, int]:
    """(year, month) of a month that has or can have registrations: from the first year with
    data to the current month. Anything else is a 400, before any work is done."""
    today = timezone.localdate()
    first = min(contract_stats_years(), default=today.year)
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
    except ValueError as exc:
        raise BadRequest(_("年月无效：year、month 须为整数")) from exc
    if not (first <= year <= today.year and 1 <= month <= 12) or date(year, month, 1) > today:
        raise BadRequest(
            _("年月无效：可查询 %(first)s 年 1 月至 %(year)s 年 %(month)s 月")
            % {"first": first, "year": today.year, "month": today.month}
        )
    return year, month


def stats_report(request):
    """Monthly report PDF: totals, by type, field, IP type, party type, 输出 and 吸纳.

    A render costs about a second of CPU, so each (month, audience) is rendered once per data
    version and served from the cache after that; fresh renders are limited per client and to
    one at a time per worker (429 otherwise)."""
    year, month = _report_period(request)
    full = services.user_is_officer(request.user)
    key = (
        f"contracts:report:{year}-{month}:{'full' if full else 'public'}:"
        f"{translation.get_language()}:{stats_data_version()}"
    )
    pdf = cache.get(key)
    if pdf is None:
        allowed = throttle_allow(
            scope="contracts-report",
            key=client_key(request),
            limit=REPORT_RENDERS_PER_CLIENT,
            window_seconds=REPORT_WINDOW_SECONDS,
        )
        with single_render("contracts-report") as free:
            if not (allowed and free):
                response = HttpResponse(
                    _("报表生成请求过于频繁，请稍后再试"),
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = "30"
                return response
            report = contract_stats_month_report(year=year, month=month, full=full)
            html = render(
                request,
                "contracts/report.html",
                {"year": year, "month": month, "generated": timezone.localtime(), **report},
            ).content.decode()
            pdf = html_to_pdf(html)
        cache.set(key, pdf, timeout=24 * 3600)
    response = download_response(
        pdf,
        filename=_("技术合同登记月报-%(year)s年%(month)s月.pdf") % {"year": year, "month": month},
        content_type=PDF_CONTENT_TYPE,
    )
    response["Cache-Control"] = "private, max-age=300" if full else "public, max-age=300"
    return response
