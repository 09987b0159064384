from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.feedback import flash_validation_error, service_run
from core.identifiers import normalize_uscc
from core.private_files import stored_file_response
from plan import selectors, services
from plan.access import is_plan_office, is_plan_reporter, may_check_eligibility, may_see_reports
from plan.forms import BulletinForm, EvidenceForm, ReportEditForm, ReportForm, ReviewForm
from plan.models import Bulletin, Evidence, Report


def _year(request, default: int | None = None) -> int:
    fallback = default or selectors.default_year()
    try:
        year = int(request.GET.get("year") or fallback)
    except ValueError:
        return fallback
    return year if 2000 <= year <= 2100 else fallback


def _require(request, allowed: bool):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not allowed:
        raise PermissionDenied(_("无权查看"))
    return None


def index(request):
    """The public progress page: every indicator of the year, status, trend, bulletins."""
    year = _year(request)
    rows = selectors.indicator_rows(year=year)
    return render(
        request,
        "plan/index.html",
        {
            "year": year,
            "years": selectors.plan_years(),
            "rows": rows,
            "counts": selectors.status_counts(rows),
            "status_labels": selectors.STATUS_LABELS,
            "bulletins": selectors.bulletins_published(),
            "is_office": is_plan_office(request.user),
            "is_reporter": is_plan_reporter(request.user),
        },
    )


def indicator_detail(request, code: str):
    indicator = selectors.indicator_get(code=code)
    district = None
    if request.GET.get("district"):
        district = selectors.district_by_name(name=request.GET["district"])
        if district is None:
            raise Http404(_("没有这个区县"))
    return render(
        request,
        "plan/indicator_detail.html",
        {
            "indicator": indicator,
            "district": district,
            "districts": selectors.districts(),
            "trend": selectors.indicator_trend(indicator=indicator, district=district),
            "definition": selectors.indicator_definition(indicator=indicator)[0],
            "query": selectors.indicator_definition(indicator=indicator)[1],
            "targets": indicator.targets.select_related("district").order_by(
                "district__sort_order", "year"
            ),
            "reports": selectors.public_reports(indicator=indicator),
            "status_labels": selectors.STATUS_LABELS,
        },
    )


def dashboard(request):
    """The plan office's monitor: by district, with the scoreboard, reviews and overdue reports."""
    denied = _require(request, is_plan_office(request.user))
    if denied:
        return denied
    year = _year(request)
    district = None
    if request.GET.get("district"):
        district = selectors.district_by_name(name=request.GET["district"])
    rows = selectors.indicator_rows(year=year, district=district)
    return render(
        request,
        "plan/dashboard.html",
        {
            "year": year,
            "years": selectors.plan_years(),
            "district": district,
            "districts": selectors.districts(),
            "rows": rows,
            "counts": selectors.status_counts(rows),
            "status_labels": selectors.STATUS_LABELS,
            "board": selectors.district_scoreboard(year=year),
            "to_review": selectors.reports_to_review(),
            "overdue": selectors.reports_overdue(),
            "late": selectors.reports_late()[:50],
        },
    )


def scoreboard(request):
    denied = _require(request, is_plan_office(request.user))
    if denied:
        return denied
    year = _year(request)
    return render(
        request,
        "plan/scoreboard.html",
        {
            "year": year,
            "years": selectors.plan_years(),
            "board": selectors.district_scoreboard(year=year),
            "weights": selectors.score_weights(),
        },
    )


# Reports -----------------------------------------------------------------------------------


def reports(request):
    denied = _require(request, may_see_reports(request.user))
    if denied:
        return denied
    qs = selectors.reports_filter(
        selectors.reports_visible_to(user=request.user),
        status=request.GET.get("status", ""),
        year=request.GET.get("year", ""),
    )
    form = None
    if is_plan_reporter(request.user):
        form = ReportForm(
            indicators=selectors.indicators_reportable_by(user=request.user),
            initial={"year": selectors.today().year - 1, "quarter": 4},
        )
    return render(
        request,
        "plan/reports.html",
        {
            "reports": qs[:200],
            "statuses": Report.Status.choices,
            "status": request.GET.get("status", ""),
            "form": form,
            "departments": selectors.departments_of(user=request.user),
            "overdue": selectors.reports_overdue(user=request.user),
            "is_office": is_plan_office(request.user),
        },
    )


@login_required
@require_POST
def report_create(request):
    if not is_plan_reporter(request.user):
        raise PermissionDenied(_("只有牵头单位的填报人员可以填报"))
    form = ReportForm(
        request.POST, indicators=selectors.indicators_reportable_by(user=request.user)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_create(
                user=request.user,
                indicator=data["indicator"],
                year=data["year"],
                quarter=data["quarter"],
                district=data["district"],
                value=data["value"],
                note=data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("已保存草稿，请上传佐证材料后报送。"))
            return redirect("plan:report_detail", pk=report.pk)
    return render(
        request,
        "plan/reports.html",
        {
            "reports": selectors.reports_visible_to(user=request.user)[:200],
            "statuses": Report.Status.choices,
            "form": form,
            "departments": selectors.departments_of(user=request.user),
            "overdue": selectors.reports_overdue(user=request.user),
        },
        status=400,
    )


def report_detail(request, pk: int):
    denied = _require(request, may_see_reports(request.user))
    if denied:
        return denied
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    editable = is_plan_reporter(request.user) and report.status in services.EDITABLE
    edit_form = ReportEditForm(initial={"value": report.value, "note": report.note})
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("该填报不能修改"))
        edit_form = ReportEditForm(request.POST)
        if edit_form.is_valid():
            try:
                services.report_update(
                    user=request.user,
                    report=report,
                    value=edit_form.cleaned_data["value"],
                    note=edit_form.cleaned_data["note"],
                )
            except ValidationError as exc:
                edit_form.add_error(None, exc.messages)
            else:
                messages.success(request, _("已保存。"))
                return redirect("plan:report_detail", pk=pk)
    return render(
        request,
        "plan/report_detail.html",
        {
            "report": report,
            "editable": editable,
            "edit_form": edit_form,
            "evidence_form": EvidenceForm(),
            "review_form": ReviewForm(),
            "can_review": is_plan_office(request.user) and report.status == Report.Status.SUBMITTED,
            "history": selectors.report_history(report=report),
        },
        status=400 if edit_form.errors else 200,
    )


def _act(request, pk: int, action, success: str):
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    service_run(request, lambda: action(report), success)
    return redirect("plan:report_detail", pk=pk)


@login_required
@require_POST
def evidence_upload(request, pk: int):
    form = EvidenceForm(request.POST, request.FILES)

    def act(report):
        if not form.is_valid():
            raise ValidationError(_("请选择要上传的文件"))
        services.evidence_add(user=request.user, report=report, uploaded=form.cleaned_data["file"])

    return _act(request, pk, act, _("已上传佐证材料。"))


@login_required
def evidence_download(request, pk: int, evidence_pk: int):
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, report=report)
    return stored_file_response(evidence.file, filename=evidence.original_name)


@login_required
@require_POST
def evidence_delete(request, pk: int, evidence_pk: int):
    def act(report):
        evidence = get_object_or_404(Evidence, pk=evidence_pk, report=report)
        services.evidence_delete(user=request.user, evidence=evidence)

    return _act(request, pk, act, _("已删除。"))


@login_required
@require_POST
def report_submit(request, pk: int):
    return _act(
        request,
        pk,
        lambda report: services.report_submit(user=request.user, report=report),
        _("已报送，等待领导小组办公室审核。"),
    )


@login_required
@require_POST
def report_review(request, pk: int):
    if not is_plan_office(request.user):
        raise PermissionDenied(_("只有领导小组办公室可以审核"))
    form = ReviewForm(request.POST)

    def act(report):
        if not form.is_valid():
            raise ValidationError(_("请选择采纳或退回"))
        if form.cleaned_data["action"] == "accept":
            services.report_accept(user=request.user, report=report)
        else:
            services.report_return(
                user=request.user, report=report, reason=form.cleaned_data["reason"]
            )

    return _act(request, pk, act, _("已处理。"))


# Eligibility -------------------------------------------------------------------------------


def eligibility(request):
    denied = _require(request, may_check_eligibility(request.user))
    if denied:
        return denied
    result = error = None
    uscc = (request.GET.get("uscc") or "").strip()
    year = _year(request, default=selectors.today().year)
    if uscc:
        result = selectors.enterprise_eligibility(uscc=normalize_uscc(uscc), year=year)
        if result is None:
            error = _("登记库中没有统一社会信用代码为“%(uscc)s”的企业") % {"uscc": uscc}
    return render(
        request,
        "plan/eligibility.html",
        {"uscc": uscc, "year": year, "result": result, "error": error},
        status=404 if error else 200,
    )


# Bulletins ---------------------------------------------------------------------------------


def bulletins(request):
    office = is_plan_office(request.user)
    today = selectors.today()
    return render(
        request,
        "plan/bulletins.html",
        {
            "bulletins": selectors.bulletins_visible_to(user=request.user),
            "is_office": office,
            "form": BulletinForm(
                # The last quarter that has ended: in January–March, Q4 of last year.
                initial={"year": today.year, "quarter": (today.month - 1) // 3}
                if today.month > 3
                else {"year": today.year - 1, "quarter": 4}
            )
            if office
            else None,
        },
    )


@login_required
@require_POST
def bulletin_generate(request):
    if not is_plan_office(request.user):
        raise PermissionDenied(_("只有领导小组办公室可以生成通报"))
    form = BulletinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择年度和季度"))
        return redirect("plan:bulletins")
    try:
        bulletin = services.bulletin_generate(
            user=request.user,
            year=form.cleaned_data["year"],
            quarter=form.cleaned_data["quarter"],
            base_url=request.build_absolute_uri("/"),
        )
    except ValidationError as exc:
        flash_validation_error(request, exc)
    else:
        messages.success(request, _("已生成%(bulletin)s，审核后发布。") % {"bulletin": bulletin})
    return redirect("plan:bulletins")


@login_required
@require_POST
def bulletin_publish(request, pk: int):
    if not is_plan_office(request.user):
        raise PermissionDenied(_("只有领导小组办公室可以发布通报"))
    bulletin = get_object_or_404(Bulletin, pk=pk)
    service_run(
        request,
        lambda: services.bulletin_publish(user=request.user, bulletin=bulletin),
        _("已发布%(bulletin)s。") % {"bulletin": bulletin},
    )
    return redirect("plan:bulletins")


def bulletin_pdf(request, pk: int):
    """Published bulletins are public; drafts only for the plan office (others get 404)."""
    bulletin = selectors.bulletin_get_for_user(user=request.user, pk=pk)
    return stored_file_response(
        bulletin.pdf,
        filename=_("专项行动计划进展通报-%(year)s-Q%(quarter)s.pdf")
        % {"year": bulletin.year, "quarter": bulletin.quarter},
        as_attachment=False,
        content_type="application/pdf",
    )
