"""Admin screens of the subsidy 公示 (issue 14 §4): publishing notices (starting the 公示期),
the objections (异议) and their answers, and the year summary with its XLSX download.

Views read selectors and call ``services.subsidies`` / ``year_summary``; who sees what comes from
the ``can_*`` rules: the township's staff (信息员, 审核领导) for its villages, the county office for
all; a village clerk reads the objections to its village (phone masked) but does not answer them.
An object outside the user's scope is a 404 (recorded), a screen the user has no role for a 403.

Registered from ``wagtail_hooks`` (``register_urls`` and the three ``*_menu``)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem

from gongkai.core import rules
from gongkai.core.denials import out_of_scope
from gongkai.core.models import Body, BodyKind, Membership, Role
from gongkai.core.services import ServiceError
from gongkai.villages import conf, year_summary
from gongkai.villages.import_admin import UploadForm
from gongkai.villages.models import Notice, NoticeStatus, Objection, ObjectionStatus, Payout, SubsidyProgramme
from gongkai.villages.services import subsidies
from gongkai.villages.templatetags.villages_tags import money

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def publish_scopes(user) -> list[Body]:
    """Townships whose notices ``user`` may publish (its own; every township for the county office)."""
    return [t for t in Body.objects.filter(kind=BodyKind.TOWNSHIP, is_active=True).order_by("path")
            if rules.can_publish_subsidy_notice(user, t)]


def objection_filter(user) -> Q | None:
    """The objections ``user`` may read (``rules.can_view_payouts`` of their village), as a filter;
    None when none."""
    if rules.is_platform_operator(user):
        return Q()
    q = Q()
    found = False
    for township in publish_scopes(user):
        q |= Q(notice__village__path__startswith=township.path)
        found = True
    clerk_of = [m.body_id for m in Membership.objects.filter(user=user, role=Role.VILLAGE_CLERK,
                                                              body__is_active=True)]
    if clerk_of:
        q |= Q(notice__village_id__in=clerk_of)
        found = True
    return q if found else None


# ---- publish ---------------------------------------------------------------------------------

class PublishForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("补贴项目"), queryset=SubsidyProgramme.objects.filter(is_active=True),
                                       empty_label="——请选择——", error_messages={"required": _("请选择补贴项目")})
    year = UploadForm.base_fields["year"]
    township = forms.ChoiceField(label=_("乡镇（街道）"), error_messages={"required": _("请选择乡镇（街道）")})
    starts_on = forms.DateField(label=_("公示开始日期"), widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"required": _("请填写公示开始日期"),
                                                "invalid": _("日期格式应为 2026-03-01")})
    days = forms.IntegerField(label=_("公示天数"), min_value=1,
                              error_messages={"required": _("请填写公示天数"), "invalid": _("公示天数应为整数"),
                                              "min_value": _("公示天数至少 1 天")})
    phone = forms.CharField(label=_("监督电话（选填）"), max_length=40, required=False,
                            help_text=_("不填则使用乡镇（街道）登记的联系电话"))

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes = {str(b.pk): b for b in scopes}
        self.fields["township"].choices = [("", "——请选择——"), *((str(b.pk), b.name) for b in scopes)]
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["starts_on"].initial = timezone.localdate()
        self.fields["days"].initial = conf.publicity_days()

    def clean_township(self):
        town = self.scopes.get(self.cleaned_data["township"])
        if town is None:
            raise forms.ValidationError(_("请选择乡镇（街道）"))
        return town


def publish(request):
    """Open the 公示 of a programme and year for every village of a township that has payouts and
    no current notice (``services.subsidies.publish_notices``, as ``gongkai subsidy publish``)."""
    scopes = publish_scopes(request.user)
    if not scopes:
        raise PermissionDenied
    form = PublishForm(request.POST or None, scopes=scopes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = subsidies.publish_notices(
                request.user, programme=data["programme"], year=data["year"], township=data["township"],
                starts_on=data["starts_on"], days=data["days"], supervision_phone=data["phone"])
        except ServiceError as exc:
            for error in exc.messages:
                form.add_error(None, error)
        else:
            if created:
                messages.success(request, _("已发布 %(n)s 个村（社区）的公示，公示期 %(start)s 至 %(end)s") % {
                    "n": len(created), "start": created[0].starts_on, "end": created[0].ends_on})
            else:
                messages.warning(request, _("没有需要发布的公示：该乡镇本项目本年度没有发放记录，或各村已有公示"))
            return redirect("villages_subsidy:publish")
    notices = (Notice.objects.filter(_any_path("village__path__startswith", scopes))
               .select_related("village", "programme").order_by("-published_at", "-pk")[:50])
    return TemplateResponse(request, "villages/admin/subsidy_publish.html", {
        "form": form, "notices": notices, "today": timezone.localdate()}, status=400 if form.errors else 200)


def _any_path(lookup: str, bodies) -> Q:
    q = Q(pk__in=[])
    for body in bodies:
        q |= Q(**{lookup: body.path})
    return q


# ---- objections ------------------------------------------------------------------------------

STATUS_FILTERS = {"open": [ObjectionStatus.PENDING], "answered": [ObjectionStatus.UPHELD, ObjectionStatus.REJECTED]}


def objection_list(request):
    """Objections the user may read, filtered by 待处理 / 已答复 and by township or village."""
    scope = objection_filter(request.user)
    if scope is None:
        raise PermissionDenied
    qs = (Objection.objects.filter(scope).select_related("notice__village", "notice__programme")
          .order_by("-filed_at", "-pk"))
    status = request.GET.get("status", "open")
    if status in STATUS_FILTERS:
        qs = qs.filter(status__in=STATUS_FILTERS[status])
    townships = publish_scopes(request.user)
    chosen_town = next((t for t in townships if str(t.pk) == request.GET.get("township")), None)
    if chosen_town is not None:
        qs = qs.filter(notice__village__path__startswith=chosen_town.path)
    villages = Body.objects.filter(kind=BodyKind.VILLAGE, pk__in=Objection.objects.filter(scope)
                                   .values("notice__village_id")).order_by("path")
    chosen_village = next((v for v in villages if str(v.pk) == request.GET.get("village")), None)
    if chosen_village is not None:
        qs = qs.filter(notice__village=chosen_village)
    rows = list(qs[:200])
    return TemplateResponse(request, "villages/admin/objection_list.html", {
        "rows": [(o, subsidies.masked_phone(o)) for o in rows], "status": status, "townships": townships,
        "villages": villages, "chosen_town": chosen_town, "chosen_village": chosen_village})


def _objection(request, pk: int) -> Objection:
    objection = get_object_or_404(Objection.objects.select_related("notice__village", "notice__programme"), pk=pk)
    if not rules.can_view_payouts(request.user, objection.notice.village):
        raise out_of_scope(request, objection)
    return objection


def _changes_from_post(post, payouts) -> dict[int, Decimal | None]:
    """``amount_<id>`` (a new amount) and ``remove_<id>`` (delete the person) → the service's
    changes; bad amounts raise a ServiceError naming the row."""
    changes: dict[int, Decimal | None] = {}
    for p in payouts:
        if post.get(f"remove_{p.pk}"):
            changes[p.pk] = None
            continue
        text = (post.get(f"amount_{p.pk}") or "").strip().replace(",", "")
        if not text:
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            raise ServiceError(f"{p.name}的更正金额“{text[:20]}”不是数字")
        if value != p.amount:
            changes[p.pk] = value
    return changes


def objection_detail(request, pk: int):
    """The objection (phone masked; the full number on request, audited) and, for the township,
    the answer: 不成立 with a reason, or 成立 with the corrections, issued as a corrected notice."""
    objection = _objection(request, pk)
    notice = objection.notice
    may_answer = rules.can_handle_objection(request.user, notice)
    full_phone, errors = None, []
    payouts = list(Payout.objects.filter(village=notice.village, programme=notice.programme, year=notice.year,
                                         is_void=False, batch__complete=True).order_by("row_number", "pk"))
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied
        do = request.POST.get("do")
        if do == "reveal":
            full_phone = subsidies.reveal_objector_phone(request.user, objection)
        elif do == "answer":
            upheld = request.POST.get("result") == "upheld"
            if request.POST.get("result") not in ("upheld", "rejected"):
                errors.append("请选择处理结果：异议成立或异议不成立")
            else:
                try:
                    changes = _changes_from_post(request.POST, payouts) if upheld else None
                    starts_on = None
                    if upheld and request.POST.get("starts_on"):
                        try:
                            starts_on = dt.date.fromisoformat(request.POST["starts_on"])
                        except ValueError:
                            raise ServiceError("更正公示开始日期格式应为 2026-03-01") from None
                    _handled, corrected = subsidies.answer_objection(
                        request.user, objection, upheld=upheld, reason=request.POST.get("reason", ""),
                        changes=changes, correction_reason=request.POST.get("correction_reason", ""),
                        starts_on=starts_on)
                except ServiceError as exc:
                    errors.extend(str(m) for m in exc.messages)
                else:
                    if corrected is not None:
                        messages.success(request, _("已答复（异议成立），更正公示已发布，公示期 %(start)s 至 %(end)s") % {
                            "start": corrected.starts_on, "end": corrected.ends_on})
                    else:
                        messages.success(request, _("已答复（异议不成立）"))
                    return redirect("villages_subsidy:objection", pk=objection.pk)
    return TemplateResponse(request, "villages/admin/objection_detail.html", {
        "objection": objection, "notice": notice, "masked_phone": subsidies.masked_phone(objection),
        "full_phone": full_phone, "may_answer": may_answer and objection.status == ObjectionStatus.PENDING,
        "superseded": notice.status == NoticeStatus.SUPERSEDED, "payouts": payouts, "errors": errors,
        "post": request.POST if errors else {}}, status=400 if errors else 200)


# ---- year summary ----------------------------------------------------------------------------

def summary(request):
    """The year summary of a township or the county, on screen; ``?format=xlsx`` downloads it."""
    scopes = year_summary.summary_scopes(request.user)
    if not scopes:
        raise PermissionDenied
    try:
        year = int(request.GET.get("year") or timezone.localdate().year - 1)
    except ValueError:
        year = timezone.localdate().year - 1
    if not 2000 <= year <= 2100:
        year = timezone.localdate().year - 1
    scope = next((b for b in scopes if str(b.pk) == request.GET.get("scope")), scopes[0])
    result = year_summary.year_summary(request.user, year=year, scope=scope)
    if request.GET.get("format") == "xlsx":
        data = year_summary.to_xlsx(request.user, result)
        return FileResponse(io.BytesIO(data), as_attachment=True, content_type=XLSX_TYPE,
                            filename=f"{year}-subsidy-summary-{scope.pk}.xlsx")
    return TemplateResponse(request, "villages/admin/subsidy_summary.html", {
        "summary": result, "scopes": scopes, "year": year, "scope": scope,
        "total": money(result.total)})


urlpatterns = [
    path("publish/", publish, name="publish"),
    path("objections/", objection_list, name="objections"),
    path("objections/<int:pk>/", objection_detail, name="objection"),
    path("summary/", summary, name="summary"),
]


def register_urls():
    return [path("villages/subsidy/", include((urlpatterns, "villages_subsidy"), namespace="villages_subsidy"))]


class PublishMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(publish_scopes(request.user))


class ObjectionMenuItem(MenuItem):
    def is_shown(self, request):
        return objection_filter(request.user) is not None


class SummaryMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(year_summary.summary_scopes(request.user))


def publish_menu():
    return PublishMenuItem(_("发布补贴公示"), reverse("villages_subsidy:publish"), icon_name="date", order=261)


def objection_menu():
    return ObjectionMenuItem(_("补贴公示异议"), reverse("villages_subsidy:objections"), icon_name="help", order=262)


def summary_menu():
    return SummaryMenuItem(_("补贴年度汇总"), reverse("villages_subsidy:summary"), icon_name="table", order=263)
