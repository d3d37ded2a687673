"""Admin screens of the payout import (发放名单导入): upload, header mapping with a masked preview,
progress (the page refreshes itself while the job is queued or running) and the result with every
bad row. Views read and call ``gongkai.villages.import_jobs``; a ServiceError comes back as a
message, a body outside the user's scope as 404."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.core import rules
from gongkai.core.denials import out_of_scope
from gongkai.core.services import ServiceError
from gongkai.villages import import_jobs, payout_file
from gongkai.villages.models import ImportJob, ImportJobStatus, SubsidyProgramme

FIELD_CHOICES = [("", "——不导入——")] + [(f, payout_file.FIELD_LABELS[f]) for f in import_jobs.MAPPABLE_FIELDS]


class UploadForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("补贴项目"), queryset=SubsidyProgramme.objects.filter(is_active=True),
                                       empty_label="——请选择——", error_messages={"required": _("请选择补贴项目")})
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100,
                              error_messages={"required": _("请填写年度"), "invalid": _("年度应为四位数年份"),
                                              "min_value": _("年度应为四位数年份"), "max_value": _("年度应为四位数年份")})
    body = forms.ChoiceField(label=_("乡镇（街道）"), error_messages={"required": _("请选择乡镇（街道）")})
    file = forms.FileField(label=_("发放名单文件（XLSX 或 CSV）"),
                           help_text=_("惠民惠农“一卡通”系统导出的 Excel（.xlsx）或 CSV（UTF-8 或 GBK）文件；文件过大时请按乡镇拆分"),
                           error_messages={"required": _("请选择文件"), "empty": _("文件为空")})
    declared_total = forms.CharField(label=_("批次总额（元，选填）"), required=False, max_length=20,
                                     help_text=_("填写后与各行金额之和核对，精确到分"))
    skip_invalid = forms.BooleanField(label=_("跳过错误行"), required=False,
                                      help_text=_("不勾选：有任何错误行则整个文件不导入。勾选：导入有效行，错误行另存为剔除文件供下载"))

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes = {str(b.pk): b for b in scopes}
        self.fields["body"].choices = [("", "——请选择——"), *((str(b.pk), b.name) for b in scopes)]
        self.fields["year"].initial = timezone.localdate().year - 1

    def clean_declared_total(self):
        text = self.cleaned_data["declared_total"].strip().replace(",", "")
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("批次总额应为数字，如 123456.78")) from None
        if not value.is_finite() or value < 0 or value != value.quantize(payout_file.FEN):
            raise forms.ValidationError(_("批次总额应为非负数，精确到分"))
        return value

    def clean_body(self):
        body = self.scopes.get(self.cleaned_data["body"])
        if body is None:
            raise forms.ValidationError(_("请选择乡镇（街道）"))
        return body


def _scopes_or_403(user):
    scopes = import_jobs.import_scopes(user)
    if not scopes:
        raise PermissionDenied
    return scopes


def job_list(request):
    """The upload form and the user's recent import jobs (a job whose process died shows as
    failed: import_jobs.fail_stale runs first)."""
    scopes = _scopes_or_403(request.user)
    import_jobs.fail_stale()
    form = UploadForm(request.POST or None, request.FILES or None, scopes=scopes)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > import_jobs.subsidies.max_file_bytes():
            form.add_error("file", _("文件超过 %(mb)s MB，请按乡镇拆分后导入") % {
                "mb": import_jobs.subsidies.max_file_bytes() // 1024 // 1024})
        else:
            try:
                job = import_jobs.upload(
                    request.user, data=upload.read(), filename=upload.name, programme=form.cleaned_data["programme"],
                    year=form.cleaned_data["year"], body=form.cleaned_data["body"],
                    skip_invalid=form.cleaned_data["skip_invalid"], declared_total=form.cleaned_data["declared_total"])
                return redirect("villages_imports:job", pk=job.pk)
            except ServiceError as exc:
                for error in exc.messages:
                    form.add_error("file", error)
    jobs = import_jobs.visible_jobs(request.user)[:50]
    return TemplateResponse(request, "villages/admin/import_list.html", {"form": form, "jobs": jobs},
                            status=400 if form.errors else 200)


def _job(request, pk: int) -> ImportJob:
    job = get_object_or_404(ImportJob.objects.select_related("programme", "body", "batch"), pk=pk)
    if not rules.can_import_payouts(request.user, job.body):
        raise out_of_scope(request, job)
    return job


def _mapping_from_post(post, width: int) -> dict[int, str]:
    return {i: post.get(f"col_{i}", "") for i in range(width)}


class RetryForm(forms.Form):
    file = forms.FileField(label=_("重新选择发放名单文件"), error_messages={"required": _("请选择文件"),
                                                                            "empty": _("文件为空")})


def _retry(request, job: ImportJob):
    """A failed job's file was deleted when it ended: the officer uploads it again (a new job)."""
    form = RetryForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("villages_imports:job", pk=job.pk)
    upload = form.cleaned_data["file"]
    if upload.size > import_jobs.subsidies.max_file_bytes():
        messages.error(request, _("文件超过 %(mb)s MB，请按乡镇拆分后导入") % {
            "mb": import_jobs.subsidies.max_file_bytes() // 1024 // 1024})
        return redirect("villages_imports:job", pk=job.pk)
    try:
        new = import_jobs.retry(request.user, job, data=upload.read(), filename=upload.name)
    except ServiceError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("villages_imports:job", pk=job.pk)
    messages.success(request, _("已重新上传，导入任务已排队") if new.status == ImportJobStatus.QUEUED
                     else _("已重新上传，请确认表头"))
    return redirect("villages_imports:job", pk=new.pk)


def job_detail(request, pk: int):
    """Mapping (while ``mapping``), progress (queued/running, refreshing itself) or the result;
    a failed job can be retried (its file uploaded again) or closed, a job whose process died too."""
    import_jobs.fail_stale()
    job = _job(request, pk)
    if job.status != ImportJobStatus.MAPPING:
        if request.method == "POST" and request.POST.get("do") == "retry":
            return _retry(request, job)
        if request.method == "POST" and request.POST.get("do") == "cancel":
            try:
                import_jobs.cancel(request.user, job)
                messages.success(request, _("已取消导入，上传的文件已删除"))
            except ServiceError as exc:
                for error in exc.messages:
                    messages.error(request, error)
            return redirect("villages_imports:job", pk=job.pk)
        return TemplateResponse(request, "villages/admin/import_job.html", {
            "job": job, "file_errors": [e for e in job.errors if e.get("row") is None and e["message"] != job.message],
            "row_errors": [e for e in job.errors if e.get("row") is not None],
            "can_cancel": job.status in import_jobs.CANCELLABLE,
            "can_retry": job.status in import_jobs.RETRYABLE, "retry_form": RetryForm()})
    header_row = job.header_row or 1
    columns = dict(job.columns)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            header_row = int(request.POST.get("header_row", header_row))
        except ValueError:
            header_row = job.header_row or 1
        if not 1 <= header_row <= payout_file.HEADER_SCAN_ROWS:
            errors.append(f"表头应在文件前 {payout_file.HEADER_SCAN_ROWS} 行内")
            header_row = job.header_row or 1
        do = request.POST.get("do")
        try:
            if do == "cancel":
                import_jobs.cancel(request.user, job)
                messages.success(request, _("已取消导入，上传的文件已删除"))
                return redirect("villages_imports:list")
            if do == "reread":  # another header row: detect its columns again
                view = import_jobs.preview(job, header_row, {})
                columns = {}
                for i, h in enumerate(view.headers):
                    f = payout_file.match_header(h)
                    if f is not None and f not in columns:
                        columns[f] = i
            elif do == "confirm" and not errors:
                width = len(import_jobs.preview(job, header_row, {}).headers)
                columns = import_jobs.columns_from_choices(_mapping_from_post(request.POST, width))
                import_jobs.confirm_mapping(request.user, job, header_row=header_row, columns=columns)
                messages.success(request, _("已确认表头，导入任务已排队，本页显示进度"))
                return redirect("villages_imports:job", pk=job.pk)
        except ServiceError as exc:
            errors.extend(str(m) for m in exc.messages)
        if errors:
            status = 400
        if do == "confirm" and errors:
            width = len(import_jobs.preview(job, header_row, {}).headers)
            chosen = _mapping_from_post(request.POST, width)
            columns = {}
            for i, f in sorted(chosen.items()):
                if f and f not in columns:
                    columns[f] = i
    try:
        view = import_jobs.preview(job, header_row, columns)
    except ServiceError as exc:
        view = None
        errors.extend(str(m) for m in exc.messages)
    selects = []
    if view is not None:
        field_of = view.column_fields
        for i, header in enumerate(view.headers):
            selects.append({"index": i, "number": i + 1, "header": header, "name": f"col_{i}",
                            "selected": field_of.get(i, ""),
                            "detected": payout_file.match_header(header) or ""})
    return TemplateResponse(request, "villages/admin/import_mapping.html", {
        "job": job, "view": view, "selects": selects, "field_choices": FIELD_CHOICES, "errors": errors,
        "header_rows": range(1, payout_file.HEADER_SCAN_ROWS + 1), "header_row": header_row,
    }, status=status)


def job_rejects(request, pk: int):
    job = _job(request, pk)
    try:
        data = import_jobs.rejects_for_download(request.user, job)
    except ServiceError:
        raise Http404 from None
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejects-{job.pk}.csv"'
    response["Cache-Control"] = "no-store"
    return response
