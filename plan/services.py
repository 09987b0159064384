"""Writes of the plan monitor: department reports (draft → 已报送 → 已采纳 | 已退回 → …), their
evidence files, and the quarterly bulletins. Every write checks who acts and is audited."""

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import District
from core.services import audit_record
from core.types import User
from core.uploads import StoredUpload, image_check, pdf_check, upload_read, zip_check
from core.validation import text_required
from plan.access import is_plan_office, is_plan_reporter
from plan.bulletins import bulletin_pdf
from plan.models import Bulletin, Evidence, Indicator, Report
from plan.selectors import quarter_end, report_due_date, today

EDITABLE = (Report.Status.DRAFT, Report.Status.RETURNED)


def _require_reporter(user: User, indicator: Indicator) -> None:
    if not is_plan_reporter(user):
        raise PermissionDenied(_("只有牵头单位的填报人员可以填报"))
    if indicator.source != Indicator.Source.REPORTED:
        raise ValidationError(_("该指标由系统根据平台数据计算，无需填报"))
    if not indicator.lead_department.members.filter(pk=user.pk).exists():
        raise PermissionDenied(
            _("该指标由%(lead_department)s牵头，您不是该单位的填报人员")
            % {"lead_department": indicator.lead_department}
        )


def _require_office(user: User) -> None:
    if not is_plan_office(user):
        raise PermissionDenied(_("只有领导小组办公室可以审核"))


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("indicator").get(pk=report.pk)


def _value(raw: Decimal | str | int | float) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"value": [_("数值“%(raw)s”无效") % {"raw": raw}]}) from exc
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        raise ValidationError({"value": [_("数值“%(raw)s”超出范围") % {"raw": raw}]})
    return value.quantize(Decimal("0.01"))


def _period(year: int, quarter: int, on: date) -> None:
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": [_("年度“%(year)s”无效") % {"year": year}]})
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": [_("季度须为 1–4")]})
    if quarter_end(year, quarter) > on:
        raise ValidationError(
            {
                "quarter": [
                    _("%(year)s 年第 %(quarter)s 季度尚未结束，不能填报")
                    % {"year": year, "quarter": quarter}
                ]
            }
        )


@transaction.atomic
def report_create(
    *,
    user: User,
    indicator: Indicator,
    year: int,
    quarter: int,
    value: Decimal | str | int | float,
    note: str = "",
    district: District | None = None,
    on: date | None = None,
) -> Report:
    _require_reporter(user, indicator)
    _period(year, quarter, on or today())
    if Report.objects.filter(
        indicator=indicator, year=year, quarter=quarter, district=district
    ).exists():
        raise ValidationError(_("该指标该期已有填报记录，请在原记录上修改"))
    report = Report.objects.create(
        indicator=indicator,
        year=year,
        quarter=quarter,
        district=district,
        value=_value(value),
        note=note.strip(),
        due_date=report_due_date(year=year, quarter=quarter),
        created_by=user,
    )
    audit_record(
        actor=user,
        action="plan.report.create",
        obj=report,
        changes={"value": [None, str(report.value)], "period": [None, report.period_label]},
    )
    return report


@transaction.atomic
def report_update(
    *, user: User, report: Report, value: Decimal | str | int | float, note: str
) -> Report:
    _require_reporter(user, report.indicator)
    report = _locked(report)
    if report.status not in EDITABLE:
        raise ValidationError(
            _("%(status)s的填报不能修改") % {"status": report.get_status_display()}
        )
    changes = {}
    new_value = _value(value)
    if new_value != report.value:
        changes["value"] = [str(report.value), str(new_value)]
        report.value = new_value
    if note.strip() != report.note:
        changes["note"] = [report.note, note.strip()]
        report.note = note.strip()
    if changes:
        report.save()
        audit_record(actor=user, action="plan.report.update", obj=report, changes=changes)
    return report


def _check_evidence(uploaded: "UploadedFile[bytes]") -> StoredUpload:
    """PDF, JPEG, PNG or XLSX, judged by content, not by the file name."""
    content = upload_read(uploaded, max_bytes=settings.PLAN_EVIDENCE_MAX_BYTES)
    name = uploaded.name or "upload"
    # The shared checks parse within limits: a PDF's page tree, an image's every pixel, an
    # XLSX's expanded size (core.uploads).
    if content.startswith(b"%PDF-"):
        pdf_check(content, name=name)
        return StoredUpload.of(uploaded, content, ".pdf")
    if content.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        extension = image_check(content, name=name)
        if extension in (".jpg", ".png"):
            return StoredUpload.of(uploaded, content, extension)
    if content.startswith(b"PK\x03\x04"):
        with zip_check(content, name=name) as archive:
            names = set(archive.namelist())
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return StoredUpload.of(uploaded, content, ".xlsx")
    raise ValidationError(
        _("文件“%(name)s”的格式不支持：佐证材料只接受 PDF、JPEG、PNG 或 XLSX（按文件内容判断）")
        % {"name": uploaded.name}
    )


@transaction.atomic
def evidence_add(*, user: User, report: Report, uploaded: "UploadedFile[bytes]") -> Evidence:
    _require_reporter(user, report.indicator)
    report = _locked(report)
    if report.status not in EDITABLE:
        raise ValidationError(
            _("%(status)s的填报不能再上传材料") % {"status": report.get_status_display()}
        )
    upload = _check_evidence(uploaded)
    evidence = upload.create(Evidence, report=report, uploaded_by=user)
    audit_record(
        actor=user,
        action="plan.report.evidence_add",
        obj=report,
        changes={"file": [None, upload.original_name]},
    )
    return evidence


@transaction.atomic
def evidence_delete(*, user: User, evidence: Evidence) -> None:
    report = evidence.report
    _require_reporter(user, report.indicator)
    if _locked(report).status not in EDITABLE:
        raise ValidationError(_("已报送的材料不能删除"))
    name = evidence.original_name
    evidence.file.delete(save=False)
    evidence.delete()
    audit_record(
        actor=user, action="plan.report.evidence_delete", obj=report, changes={"file": [name, None]}
    )


@transaction.atomic
def report_submit(*, user: User, report: Report, on: date | None = None) -> Report:
    _require_reporter(user, report.indicator)
    report = _locked(report)
    if report.status not in EDITABLE:
        raise ValidationError(
            _("%(status)s的填报不能再次报送") % {"status": report.get_status_display()}
        )
    if not report.evidence.exists():
        raise ValidationError(_("请先上传佐证材料（PDF、图片或 Excel）"))
    now = timezone.now()
    submitted_on = on or timezone.localdate(now)
    report.status = Report.Status.SUBMITTED
    report.submitted_at = now
    # A late first submission stays flagged through returns and resubmissions.
    report.late = report.late or submitted_on > report.due_date
    report.return_reason = ""
    report.save()
    audit_record(
        actor=user,
        action="plan.report.submit",
        obj=report,
        changes={"status": ["", report.status], "late": report.late},
    )
    return report


# The office's two decisions on a submitted report: the audit action and the refusal otherwise.
_REVIEW_DECISIONS = {
    Report.Status.ACCEPTED: ("plan.report.accept", gettext_lazy("只能采纳已报送的填报")),
    Report.Status.RETURNED: ("plan.report.return", gettext_lazy("只能退回已报送的填报")),
}


@transaction.atomic
def report_accept(*, user: User, report: Report) -> Report:
    _require_office(user)
    return _report_review(user=user, report=report, status=Report.Status.ACCEPTED)


@transaction.atomic
def report_return(*, user: User, report: Report, reason: str) -> Report:
    _require_office(user)
    reason = text_required(reason, _("退回须说明原因"), field="reason")
    return _report_review(user=user, report=report, status=Report.Status.RETURNED, reason=reason)


def _report_review(
    *, user: User, report: Report, status: Report.Status, reason: str = ""
) -> Report:
    action, not_submitted = _REVIEW_DECISIONS[status]
    report = _locked(report)
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError(not_submitted)
    report.status = status
    if reason:
        report.return_reason = reason
    report.reviewed_at = timezone.now()
    report.reviewed_by = user
    report.save()
    audit_record(
        actor=user,
        action=action,
        obj=report,
        changes={"status": [Report.Status.SUBMITTED, report.status]},
        note=reason,
    )
    return report


@transaction.atomic
def bulletin_generate(
    *, user: User, year: int, quarter: int, base_url: str = "", on: date | None = None
) -> Bulletin:
    """Render the quarter's bulletin from the data as of the quarter's end (or today, if
    earlier); a draft may be regenerated, a published bulletin is kept as it was."""
    _require_office(user)
    on = on or today()
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2100:
        raise ValidationError(_("年度或季度无效"))
    as_of = quarter_end(year, quarter)
    if as_of > on:
        raise ValidationError(
            _("%(year)s 年第 %(quarter)s 季度尚未结束") % {"year": year, "quarter": quarter}
        )
    bulletin = Bulletin.objects.select_for_update().filter(year=year, quarter=quarter).first()
    if bulletin is not None and bulletin.status == Bulletin.Status.PUBLISHED:
        raise ValidationError(_("该季度的通报已发布，不能重新生成"))
    pdf, summary = bulletin_pdf(year=year, quarter=quarter, base_url=base_url)
    if bulletin is None:
        bulletin = Bulletin(year=year, quarter=quarter)
    elif bulletin.pdf:
        bulletin.pdf.delete(save=False)
    bulletin.summary = summary
    bulletin.generated_at = timezone.now()
    bulletin.generated_by = user
    bulletin.pdf.save(
        f"bulletin-{year}-q{quarter}-{uuid.uuid4().hex[:8]}.pdf", ContentFile(pdf), save=False
    )
    bulletin.save()
    audit_record(actor=user, action="plan.bulletin.generate", obj=bulletin, changes=summary)
    return bulletin


@transaction.atomic
def bulletin_publish(*, user: User, bulletin: Bulletin) -> Bulletin:
    _require_office(user)
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.status == Bulletin.Status.PUBLISHED:
        raise ValidationError(_("该通报已发布"))
    bulletin.status = Bulletin.Status.PUBLISHED
    bulletin.published_at = timezone.now()
    bulletin.published_by = user
    bulletin.save()
    audit_record(
        actor=user,
        action="plan.bulletin.publish",
        obj=bulletin,
        changes={"status": [Bulletin.Status.DRAFT, Bulletin.Status.PUBLISHED]},
    )
    return bulletin
