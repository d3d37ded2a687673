"""Public views of the 村务公开 column (called from VillageAffairsIndexPage routes). Reads go through
selectors; the two forms call services (objection) or the lookup."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from gongkai.core import limits
from gongkai.core.models import Body, BodyKind
from gongkai.core.services import ServiceError
from gongkai.villages import catalogue_selectors, publicity, selectors
from gongkai.villages.models import Notice, NoticeStatus
from gongkai.villages.services import lookup as lookup_service
from gongkai.villages.services.subsidies import file_objection, objection_by_code


class ObjectionForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=40)
    phone = forms.CharField(label="联系电话", max_length=20, help_text="仅供乡镇（街道）核实答复，不公开")
    content = forms.CharField(label="异议内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class ObjectionCodeForm(forms.Form):
    code = forms.CharField(label="异议查询码", max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
                           help_text="提交异议后页面显示的10位查询码")


class LookupForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=40)
    id_number = forms.CharField(label="身份证号", max_length=20, min_length=1,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
                                help_text="18位，只用于本次查询，不会保存")


def township_context(town: Body) -> dict:
    today = timezone.localdate()
    villages = list(Body.objects.filter(kind=BodyKind.VILLAGE, is_active=True, path__startswith=town.path)
                    .order_by("path"))
    open_counts: dict[int, int] = {}
    for n in Notice.objects.filter(village__in=villages, status=NoticeStatus.OPEN, starts_on__lte=today,
                                   ends_on__gte=today):
        open_counts[n.village_id] = open_counts.get(n.village_id, 0) + 1
    return {"township": town, "villages": [(v, open_counts.get(v.pk, 0)) for v in villages],
            "last_posted": catalogue_selectors.last_posted_on(villages)}


def village_context(village: Body, objection_form=None, objection_notice=None, objection_sent=None) -> dict:
    """Open notices with their masked rows; ended ones and year summaries as totals only."""
    today = timezone.localdate()
    years = sorted(set(Notice.objects.filter(village=village).values_list("year", flat=True)), reverse=True)
    open_blocks, ended_blocks, summaries = [], [], []
    for year in years:
        for vy in selectors.village_years(year, village=village, with_rows=True):
            summaries.append(vy)
            for block in vy.blocks:
                if block.notice is None or selectors.public_phase(block.notice, today) is publicity.Phase.PENDING:
                    continue
                if selectors.public_phase(block.notice, today) is publicity.Phase.OPEN:
                    open_blocks.append(block)
                else:
                    ended_blocks.append(block)
    for vy in summaries:  # only blocks with a public notice count on the public page
        vy.blocks = [b for b in vy.blocks if b.notice is not None
                     and selectors.public_phase(b.notice, today) is not publicity.Phase.PENDING]
    return {"village": village, "township": village.get_parent(), "open_blocks": open_blocks,
            "ended_blocks": ended_blocks, "summaries": [vy for vy in summaries if vy.blocks],
            "objection_form": objection_form or ObjectionForm(), "objection_notice": objection_notice,
            "objection_sent": objection_sent, "lookup_form": LookupForm(),
            "catalogue_sections": catalogue_selectors.public_catalogue(village, today)}


def objection_view(page, request, village: Body, notice_id: int):
    notice = Notice.objects.filter(pk=notice_id, village=village).first()
    if request.method != "POST" or notice is None:
        from django.shortcuts import redirect

        return redirect(page.village_url(village))
    # The service is the one validator (its Chinese messages); the form only carries the values back.
    data = {k: str(request.POST.get(k, ""))[:4000] for k in ("name", "phone", "content")}
    form = ObjectionForm(data)
    form.is_valid()
    form.errors.clear()
    sent = code = None
    try:
        code = file_objection(notice=notice, **data).code
        sent, form = notice, ObjectionForm()
    except ServiceError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
    status = 200 if sent else 400
    response = page.render(request, template="villages/village.html", context_overrides={
        **village_context(village, form if not sent else None, notice, sent), "objection_code": code,
        "extra_crumb": village.name})
    response.status_code = status
    return response


def lookup_view(page, request):
    form = LookupForm(request.POST or None)
    result = error = None
    status, retry_after = 200, 0
    if request.method == "POST" and form.is_valid():
        try:
            result = lookup_service.lookup(name=form.cleaned_data["name"], id_number=form.cleaned_data["id_number"],
                                           client_ip=limits.client_address(request))
        except lookup_service.LookupRefused as exc:
            error, retry_after = exc.message, exc.retry_after
            status = 429 if exc.limited else 503 if exc.unavailable else 200
        form = LookupForm()  # never echo the ID number back
    response = page.render(request, template="villages/lookup.html", context_overrides={
        "form": form, "result": result, "error": error, "extra_crumb": "补贴发放查询"})
    response.status_code = status
    response["Cache-Control"] = "no-store"
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def objection_status_view(page, request):
    """The outcome of one objection by its code: the notice it concerns, when it was filed, and the
    township's answer (result, reason, date). Nothing about the objector is shown."""
    form = ObjectionCodeForm(request.POST or request.GET or None)
    objection = error = None
    status, retry_after = 200, 0
    if form.is_bound and form.is_valid():
        try:
            objection = objection_by_code(form.cleaned_data["code"], client_ip=limits.client_address(request))
        except lookup_service.LookupRefused as exc:
            error, retry_after = exc.message, exc.retry_after
            status = 429 if exc.limited else 200
    response = page.render(request, template="villages/objection_status.html", context_overrides={
        "form": form, "objection": objection, "error": error, "extra_crumb": "异议处理结果查询",
        "village_url": page.village_url(objection.notice.village) if objection else ""})
    response.status_code = status
    response["Cache-Control"] = "no-store"
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
