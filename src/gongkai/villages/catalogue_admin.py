"""Admin screens of the 村务公开目录: the village clerk's list and posting form (phone first), the
township dashboard of late items, the county overview. Views only read selectors and call
``services.catalogue``; what each user sees comes from the ``can_*`` rules.

Registered from ``wagtail_hooks`` (``register_urls``, ``register_menu``)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem

from gongkai.core import rules
from gongkai.core.models import Body, BodyKind, Membership, Role
from gongkai.core.services import ServiceError
from gongkai.villages import catalogue_photos, catalogue_schedule, catalogue_selectors
from gongkai.villages.catalogue_schedule import Cadence
from gongkai.villages.models import AffairsCategory, VillageCatalogue, VillageCatalogueItem
from gongkai.villages.services import catalogue as catalogue_service


class PostForm(forms.Form):
    """Carries the clerk's values back to the page; ``services.catalogue.post_item`` validates."""

    period_key = forms.ChoiceField(label=_("公开期次"), required=False)
    posted_on = forms.DateField(label=_("张贴日期"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("标题"), max_length=120, required=False)
    text = forms.CharField(label=_("公开内容"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    caption = forms.CharField(label=_("照片说明（可不填）"), max_length=150, required=False,
                              help_text=_("供视力障碍群众使用读屏软件时了解照片内容，如：村委会门前公开栏张贴的11月财务收支明细"))
    photos = forms.FileField(label=_("公开栏张贴照片"), required=False)
    photos_checked = forms.BooleanField(label=_("我已查看照片：照片中没有身份证号、银行账号、手机号码等个人信息"),
                                        required=False)


class LocalItemForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=AffairsCategory.choices)
    name = forms.CharField(label=_("公开事项"), max_length=60)
    cadence = forms.ChoiceField(label=_("公开时间"), choices=[
        (Cadence.MONTHLY.value, "每月"), (Cadence.QUARTERLY.value, "每季度"), (Cadence.YEARLY.value, "每年"),
        (Cadence.EVENT.value, "事时（随时）")])
    content = forms.CharField(label=_("公开内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    basis = forms.CharField(label=_("公开依据"), max_length=200, required=False)


class ItemForm(forms.Form):
    """Changing an item: a standard item keeps its name (the service says so if it is changed)."""

    name = forms.CharField(label=_("公开事项"), max_length=60)
    cadence = LocalItemForm.base_fields["cadence"]
    content = LocalItemForm.base_fields["content"]
    basis = LocalItemForm.base_fields["basis"]


class StopForm(forms.Form):
    reason = forms.CharField(label=_("停用原因"), max_length=200, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("如：本村没有集体林地，不涉及该事项；已并入“村级财务收支明细”"))


def _service_errors(form: forms.Form, exc: ServiceError) -> None:
    form.errors.clear()
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _may_see_village(user, village: Body) -> bool:
    return (rules.can_post_village_affairs(user, village) or rules.can_manage_village_catalogue(user, village)
            or rules.can_view_village_lateness(user, village.get_parent()))


def _village_or_404(pk: int) -> Body:
    return get_object_or_404(Body, pk=pk, kind=BodyKind.VILLAGE, is_active=True)


def home(request):
    """Where each role starts: a clerk with one village goes straight to it."""
    counties, townships, villages = catalogue_selectors.watch_scopes(request.user)
    if len(villages) == 1 and not counties and not townships:
        return redirect("villages_catalogue:village", villages[0].pk)
    if len(counties) == 1 and not villages:
        return redirect("villages_catalogue:county", counties[0].pk)
    if len(townships) == 1 and not villages and not counties:
        return redirect("villages_catalogue:township", townships[0].pk)
    if not (counties or townships or villages):
        raise PermissionDenied
    return TemplateResponse(request, "villages/catalogue/admin_home.html",
                            {"counties": counties, "townships": townships, "villages": villages})


def village(request, pk: int):
    village = _village_or_404(pk)
    if not _may_see_village(request.user, village):
        raise PermissionDenied
    today = timezone.localdate()
    row = catalogue_selectors.village_rows([village], today, with_latest=True)[0]
    sections = [(label, [r for r in row.items if r.item.category == code]) for code, label in AffairsCategory.choices]
    stopped = list(VillageCatalogueItem.objects.filter(catalogue__village=village, is_active=False)
                   .order_by("position", "pk"))
    return TemplateResponse(request, "villages/catalogue/admin_village.html", {
        "village": village, "township": village.get_parent(), "row": row, "sections": sections, "today": today,
        "stopped": stopped,
        "may_post": rules.can_post_village_affairs(request.user, village),
        "may_manage": rules.can_manage_village_catalogue(request.user, village),
        "may_see_township": rules.can_view_village_lateness(request.user, village.get_parent())})


def adopt(request, pk: int):
    village = _village_or_404(pk)
    if request.method != "POST":
        return redirect("villages_catalogue:village", pk)
    try:
        catalogue_service.adopt_catalogue(request.user, village)
        messages.success(request, f"{village.name}已启用村务公开标准目录")
    except ServiceError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("villages_catalogue:village", pk)


def local_item(request, pk: int):
    village = _village_or_404(pk)
    if not rules.can_manage_village_catalogue(request.user, village):
        raise PermissionDenied
    form = LocalItemForm(request.POST or None)
    status = 200
    if request.method == "POST":
        data = {k: str(request.POST.get(k, "")) for k in ("category", "name", "cadence", "content", "basis")}
        form.is_valid()
        try:
            catalogue_service.add_local_item(request.user, village, **data)
            messages.success(request, f"已新增公开事项“{data['name'].strip()}”")
            return redirect("villages_catalogue:village", pk)
        except ServiceError as exc:
            _service_errors(form, exc)
            status = 400
    return TemplateResponse(request, "villages/catalogue/admin_local_item.html",
                            {"village": village, "form": form}, status=status)


def _managed_item_or_404(request, pk: int, item_pk: int) -> tuple[Body, VillageCatalogueItem]:
    village = _village_or_404(pk)
    if not rules.can_manage_village_catalogue(request.user, village):
        raise PermissionDenied
    item = get_object_or_404(VillageCatalogueItem.objects.select_related("catalogue"), pk=item_pk,
                             catalogue__village=village)
    return village, item


def _item_values(item: VillageCatalogueItem) -> dict[str, str]:
    return {k: getattr(item, k) for k in ItemForm.base_fields}


def _item_page(request, village: Body, item: VillageCatalogueItem, form: forms.Form, stop_form: forms.Form,
               status: int) -> TemplateResponse:
    return TemplateResponse(request, "villages/catalogue/admin_item.html", {
        "village": village, "item": item, "form": form, "stop_form": stop_form,
        "has_postings": item.postings.exists()}, status=status)


def edit_item(request, pk: int, item_pk: int):
    """Change an item's wording, basis or cadence, or stop it (with a reason)."""
    village, item = _managed_item_or_404(request, pk, item_pk)
    form = ItemForm(request.POST or None, initial=_item_values(item))
    stop_form = StopForm()
    status = 200
    if request.method == "POST":
        data = {k: str(request.POST.get(k, "")) for k in ItemForm.base_fields}
        form.is_valid()
        try:
            catalogue_service.update_item(request.user, item, **data)
            messages.success(request, f"已保存“{item.name}”")
            return redirect("villages_catalogue:village", pk)
        except ServiceError as exc:
            _service_errors(form, exc)
            status = 400
    return _item_page(request, village, item, form, stop_form, status)


def stop_item(request, pk: int, item_pk: int):
    village, item = _managed_item_or_404(request, pk, item_pk)
    if request.method != "POST":
        return redirect("villages_catalogue:edit_item", pk, item_pk)
    stop_form = StopForm(request.POST)
    stop_form.is_valid()
    try:
        catalogue_service.stop_item(request.user, item, reason=str(request.POST.get("reason", "")))
        messages.success(request, f"已停用“{item.name}”，不再计入应公开事项；已公开的内容仍在门户网站上")
        return redirect("villages_catalogue:village", pk)
    except ServiceError as exc:
        _service_errors(stop_form, exc)
    return _item_page(request, village, item, ItemForm(initial=_item_values(item)), stop_form, 400)


def restore_item(request, pk: int, item_pk: int):
    village, item = _managed_item_or_404(request, pk, item_pk)
    if request.method == "POST":
        try:
            catalogue_service.restore_item(request.user, item)
            messages.success(request, f"已恢复“{item.name}”，从本期起计入应公开事项")
        except ServiceError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect("villages_catalogue:village", pk)


def _period_choices(item: VillageCatalogueItem, catalogue: VillageCatalogue, today):
    """Every period still to post: all missing ones since adoption (however far behind the village
    is) and the recent ones, newest first."""
    posted = set(item.postings.values_list("period_key", flat=True))
    start = item.due_from(catalogue)
    periods = set(catalogue_schedule.postable_periods(item.cadence, start, today))
    periods |= set(catalogue_schedule.required_periods(item.cadence, start, today))
    return [(p.key, f"{p.label}（应于{p.due_on.year}年{p.due_on.month}月{p.due_on.day}日前公开）")
            for p in sorted(periods, reverse=True) if p.key not in posted]


def post(request, pk: int, item_pk: int):
    """The clerk's posting form: one column, large touch targets, works at 360 px."""
    village = _village_or_404(pk)
    if not rules.can_post_village_affairs(request.user, village):
        raise PermissionDenied
    item = get_object_or_404(VillageCatalogueItem.objects.select_related("catalogue"), pk=item_pk,
                             catalogue__village=village, is_active=True)
    today = timezone.localdate()
    choices = _period_choices(item, item.catalogue, today) if item.cadence != Cadence.EVENT else []
    status = catalogue_schedule.item_status(item.cadence, item.due_from(),
                                            item.postings.values_list("period_key", flat=True), today)
    initial = {"posted_on": today, "title": f"{village.name}{item.name}"}
    if choices:
        keys = [k for k, _label in choices]
        initial["period_key"] = status.next_period.key if status.next_period and status.next_period.key in keys \
            else keys[0]
        label = dict(choices)[initial["period_key"]].split("（")[0]
        initial["title"] = f"{village.name}{label}{item.name}"
    form = PostForm(request.POST or None, initial=initial)
    form.fields["period_key"].choices = choices
    http_status = 200
    if request.method == "POST" and request.POST.get("mask") == "1":
        # 一键遮盖: the typed text comes back with the numbers masked, for the clerk to check and
        # post (photos are chosen again, as after any refusal); nothing is saved yet.
        from gongkai.privacy.public_sources import TextPart, mask_parts

        data = request.POST.copy()
        for name, value in mask_parts([TextPart(name, str(data.get(name, "")), field=name)
                                       for name in ("title", "text", "caption")]).items():
            data[name] = value
        form = PostForm(data, initial=initial)
        form.fields["period_key"].choices = choices
        form.is_valid()
        form.errors.clear()
        messages.info(request, "已遮盖内容中的个人信息，请核对后重新选择照片并发布")
    elif request.method == "POST":
        form.is_valid()  # for the values to show again; the service is the one validator
        posted_on = form.cleaned_data.get("posted_on") if not form.errors.get("posted_on") else None
        if form.errors.get("posted_on"):
            form.errors.clear()
            form.add_error("posted_on", "张贴日期格式不对，请重新选择")
        else:
            photos = [(f.name, f.read(catalogue_photos.MAX_PHOTO_BYTES + 1))
                      for f in request.FILES.getlist("photos")]
            try:
                catalogue_service.post_item(
                    request.user, item, period_key=str(request.POST.get("period_key", "")),
                    title=str(request.POST.get("title", "")), text=str(request.POST.get("text", "")),
                    caption=str(request.POST.get("caption", "")), photos=photos,
                    photos_checked=request.POST.get("photos_checked") == "on", posted_on=posted_on)
                messages.success(request, f"“{item.name}”已发布，{village.get_parent().name}可以看到本次公开情况")
                return redirect("villages_catalogue:village", pk)
            except ServiceError as exc:
                _service_errors(form, exc)
        http_status = 400
    return TemplateResponse(request, "villages/catalogue/admin_post.html", {
        "village": village, "item": item, "form": form, "status": status, "event": item.cadence == Cadence.EVENT,
        "max_photos": catalogue_photos.MAX_PHOTOS,
        "personal_data_found": any("个人信息" in str(e) for e in form.errors.get("text", [])),
        "max_mb": catalogue_photos.MAX_PHOTO_BYTES // 1024 // 1024,
        "recent": catalogue_selectors.recent_postings(item, 3)}, status=http_status)


def township(request, pk: int):
    town = get_object_or_404(Body, pk=pk, kind=BodyKind.TOWNSHIP, is_active=True)
    if not rules.can_view_village_lateness(request.user, town):
        raise PermissionDenied
    today = timezone.localdate()
    rows = catalogue_selectors.township_dashboard(town, today)
    county = town.get_parent()
    return TemplateResponse(request, "villages/catalogue/admin_township.html", {
        "township": town, "rows": rows, "today": today,
        "late_rows": [r for r in rows if r.late], "county": county,
        "may_see_county": rules.can_view_village_lateness(request.user, county)})


def county(request, pk: int):
    county = get_object_or_404(Body, pk=pk, kind=BodyKind.COUNTY, is_active=True)
    if not rules.can_view_village_lateness(request.user, county):
        raise PermissionDenied
    today = timezone.localdate()
    summaries = catalogue_selectors.county_overview(county, today)
    return TemplateResponse(request, "villages/catalogue/admin_county.html", {
        "county": county, "summaries": summaries, "today": today,
        "totals": {k: sum(getattr(s, k) for s in summaries)
                   for k in ("villages", "without_catalogue", "late_villages", "late_items", "due_items")}})


urlpatterns = [
    path("", home, name="home"),
    path("village/<int:pk>/", village, name="village"),
    path("village/<int:pk>/adopt/", adopt, name="adopt"),
    path("village/<int:pk>/local/", local_item, name="local_item"),
    path("village/<int:pk>/post/<int:item_pk>/", post, name="post"),
    path("village/<int:pk>/item/<int:item_pk>/", edit_item, name="edit_item"),
    path("village/<int:pk>/item/<int:item_pk>/stop/", stop_item, name="stop_item"),
    path("village/<int:pk>/item/<int:item_pk>/restore/", restore_item, name="restore_item"),
    path("township/<int:pk>/", township, name="township"),
    path("county/<int:pk>/", county, name="county"),
]


def register_urls():
    return [path("cwml/", include((urlpatterns, "villages_catalogue"), namespace="villages_catalogue"))]


class CatalogueMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        township_roles = Q(role__in=rules.TOWNSHIP_SUBSIDY_ROLES, body__kind=BodyKind.TOWNSHIP)
        return rules.is_platform_operator(user) or Membership.objects.filter(
            Q(role__in=[Role.VILLAGE_CLERK, Role.OFFICE_ADMIN]) | township_roles, user=user,
            body__is_active=True).exists()


def register_menu():
    return CatalogueMenuItem(_("村务公开目录"), reverse("villages_catalogue:home"), icon_name="list-ul", order=250)
