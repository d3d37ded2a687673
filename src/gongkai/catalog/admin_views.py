"""Wagtail admin screens for the catalogues: the standard catalogues (read-only), each body's
catalogue (compile areas, mark areas 未涉及, finalise, import and export XLSX) and its items (add a
local item, edit an item).

The screens never save models: they call ``gongkai.catalog.services`` and show a ServiceError as
form errors. What each user sees comes from the ``can_*`` rules (core/rules.py) through
RulePermissionPolicy and the selectors.
"""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, View
from django_filters import BooleanFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from gongkai.catalog import xlsx
from gongkai.catalog.channels import CHANNELS, ChannelMark
from gongkai.catalog.models import (
    AreaStatus,
    Catalogue,
    CatalogueArea,
    CatalogueItem,
    StandardArea,
    StandardItem,
)
from gongkai.catalog.rows import FLAG_FIELDS
from gongkai.catalog.selectors import (
    areas_with_counts,
    catalogue_bodies_editable_by,
    catalogue_bodies_visible_to,
    catalogues_visible_to,
    items_visible_to,
)
from gongkai.catalog.services.catalogues import (
    add_local_item,
    adopt_areas,
    cn_date,
    finalise_catalogue,
    mark_area_not_involved,
    update_item,
)
from gongkai.catalog.services.transfer import (
    export_catalogue_xlsx,
    export_standard_xlsx,
    import_catalogue_xlsx,
)
from gongkai.core import rules
from gongkai.core.admin_views import RulePermissionPolicy, RuleViewSet, ServiceFormMixin, VisibleObjectMixin
from gongkai.core.services import ServiceError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str) -> FileResponse:
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def add_service_errors(form, exc: ServiceError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _table(headers, rows) -> str:
    head = format_html_join("", '<th scope="col">{}</th>', ((h,) for h in headers))
    body = format_html_join("", "<tr>{}</tr>", ((format_html_join("", "<td>{}</td>", ((c,) for c in row)),)
                                                for row in rows))
    return format_html('<table class="listing"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>', head, body)


def _item_cells(item) -> list:
    limit = format_html("{}<br><small>（{}）</small>", item.time_limit_text, item.time_limit_summary)
    return [item.position, item.level1, item.level2 or "—", item.content, item.basis, limit, item.subject,
            item.channels_display, item.audience_display, item.mode_display, item.level_display]


ITEM_HEADERS = [_("序号"), _("一级事项"), _("二级事项"), _("公开内容（要素）"), _("公开依据"), _("公开时限"),
                _("公开主体"), _("公开渠道和载体"), _("公开对象"), _("公开方式"), _("公开层级")]


# --- Standard catalogues (read-only) ------------------------------------------------------------

class StandardAreaPolicy(RulePermissionPolicy):
    def allowed(self, user, action):
        return action == "view" and rules.can_access_admin(user)

    def visible(self, user):
        return areas_with_counts()


class StandardAreaInspectView(generic.InspectView):
    def get_field_label(self, field_name, field):
        if field_name == "items":
            return _("标准目录事项")
        if field_name == "guideline":
            return _("标准指引")
        return super().get_field_label(field_name, field)

    def get_guideline_display_value(self):
        return self.object.guideline_display

    def get_items_display_value(self):
        return _table(ITEM_HEADERS, (_item_cells(i) for i in StandardItem.objects.filter(area=self.object)
                                     .order_by("position", "pk")))

    @property
    def header_buttons(self):
        url = reverse("standard_areas:export", args=[self.object.pk])
        return [HeaderButton(_("下载 Excel"), url=url, icon_name="download")]


class StandardAreaExportView(View):
    def get(self, request, pk):
        if not rules.can_access_admin(request.user):
            raise PermissionDenied
        area = get_object_or_404(StandardArea, pk=pk)
        return xlsx_response(export_standard_xlsx(area, request.user), f"{area.name}领域基层政务公开标准目录.xlsx")


class StandardAreaViewSet(RuleViewSet):
    model = StandardArea
    policy_class = StandardAreaPolicy
    name = "standard_areas"
    icon = "list-ul"
    menu_label = _("标准目录")
    add_to_admin_menu = False
    inspect_view_enabled = True
    list_display = ["name", "former_name", "ministry", Column("items_count", label=_("事项数")),
                    Column("county_items", label=_("县级事项")), Column("township_items", label=_("乡级事项"))]
    search_fields = ["name", "former_name", "code"]
    index_view_class = type("StandardAreaIndexView", (VisibleObjectMixin, generic.IndexView), {})
    inspect_view_class = StandardAreaInspectView
    inspect_view_fields = ["name", "former_name", "code", "ministry", "guideline", "items"]
    form_fields = ["name"]

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(),
                path("export/<int:pk>/", StandardAreaExportView.as_view(), name="export")]


# --- A body's catalogue -------------------------------------------------------------------------

class CataloguePolicy(RulePermissionPolicy):
    def allowed(self, user, action):
        return action in ("add", "view") and rules.can_access_admin(user)

    def allowed_for(self, user, action, instance):
        return action == "view" and rules.can_view_catalogue(user, instance.body)

    def visible(self, user):
        return catalogues_visible_to(user).annotate(
            adopted_count=Count("areas", filter=Q(areas__status=AreaStatus.ADOPTED), distinct=True),
            not_involved_count=Count("areas", filter=Q(areas__status=AreaStatus.NOT_INVOLVED), distinct=True),
            items_count=Count("items", filter=Q(items__is_active=True), distinct=True),
        ).order_by("body__path")


class AreasField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.name}（原{obj.former_name}）" if obj.former_name else obj.name


class CatalogueCreateForm(WagtailAdminModelForm):
    areas = AreasField(queryset=StandardArea.objects.order_by("position"), label=_("编制领域"),
                       help_text=_("复制所选领域中与本单位层级相符的标准事项：县直部门为县级事项，乡镇为乡级事项"))

    class Meta:
        model = Catalogue
        fields = ["body"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["body"].queryset = catalogue_bodies_editable_by(for_user)
        self.fields["body"].label = _("单位")

    def validate_unique(self):
        pass  # compiling areas into an existing catalogue is fine

    def _post_clean(self):
        pass


class CatalogueCreateView(ServiceFormMixin, generic.CreateView):
    page_title = _("编制目录")
    submit_button_label = _("编制")

    def save_instance(self):
        d = self.form.cleaned_data
        return adopt_areas(self.request.user, d["body"], d["areas"]).catalogue

    def get_success_url(self):
        return reverse("catalogues:inspect", args=[self.object.pk])


class CatalogueInspectView(VisibleObjectMixin, generic.InspectView):
    def get_field_label(self, field_name, field):
        labels = {"areas": _("领域"), "actions": _("操作")}
        return labels.get(field_name) or super().get_field_label(field_name, field)

    def get_actions_display_value(self):
        body, user = self.object.body, self.request.user
        actions = []
        if rules.can_edit_catalogue(user, body):
            actions += [(reverse("catalogues:adopt", args=[body.pk]), _("编制领域")),
                        (reverse("catalogue_items:add") + f"?body={body.pk}", _("新增地方特色事项")),
                        (reverse("catalogues:not_involved", args=[body.pk]), _("标记未涉及领域")),
                        (reverse("catalogues:import", args=[body.pk]), _("导入 Excel"))]
        if rules.can_finalise_catalogue(user, body) and not self.object.is_finalised:
            actions.append((reverse("catalogues:finalise", args=[body.pk]), _("确认编制完成")))
        actions.append((reverse("catalogue_items:index") + f"?catalogue={self.object.pk}", _("查看全部事项")))
        return format_html_join(" ", '<a class="button button-small button-secondary" href="{}">{}</a>', actions)

    def get_areas_display_value(self):
        counts = dict(CatalogueItem.objects.active().filter(catalogue=self.object).values("area")
                      .annotate(n=Count("pk")).values_list("area", "n"))
        decisions = CatalogueArea.objects.filter(catalogue=self.object).select_related("area")
        items_url = reverse("catalogue_items:index")
        rows = [(d.area.name, d.get_status_display(),
                 format_html('<a href="{}?catalogue={}&area={}">{}</a>', items_url, self.object.pk, d.area_id,
                             counts.get(d.area_id, 0)),
                 d.reason or "—") for d in decisions]
        return _table([_("领域"), _("状态"), _("在用事项"), _("未涉及说明")], rows)

    @property
    def header_buttons(self):
        url = reverse("catalogues:export", args=[self.object.body_id])
        return [HeaderButton(_("导出 Excel"), url=url, icon_name="download")]


class BodyActionView(WagtailAdminTemplateMixin, FormView):
    """A form acting on one body's catalogue (``body_pk`` in the URL), allowed by ``rule``."""

    template_name = "wagtailadmin/generic/form.html"
    header_icon = "list-ul"
    page_title = ""
    submit_button_label = _("保存")
    rule = staticmethod(rules.can_edit_catalogue)

    def dispatch(self, request, *args, body_pk, **kwargs):
        self.body = get_object_or_404(catalogue_bodies_visible_to(request.user), pk=body_pk)
        if not self.rule(request.user, self.body):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.body.name}：{self.page_title}"

    def get_breadcrumbs_items(self):
        items = [{"url": reverse("catalogues:index"), "label": _("单位目录")}]
        catalogue = Catalogue.objects.filter(body=self.body).first()
        if catalogue is not None:
            items.append({"url": reverse("catalogues:inspect", args=[catalogue.pk]), "label": self.body.name})
        items.append({"url": "", "label": self.page_title})
        return self.breadcrumbs_items + items

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "body": self.body}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action_url": self.request.path,
                "submit_button_label": self.submit_button_label, "submit_button_active_label": _("处理中…")}

    def form_valid(self, form):
        try:
            message = self.perform(form)
        except ServiceError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        catalogue = Catalogue.objects.filter(body=self.body).first()
        return reverse("catalogues:inspect", args=[catalogue.pk]) if catalogue else reverse("catalogues:index")

    def perform(self, form) -> str:
        raise NotImplementedError  # pragma: no cover - each view below defines it


class BodyForm(forms.Form):
    def __init__(self, *args, body, **kwargs):
        self.body = body
        super().__init__(*args, **kwargs)


class AdoptForm(BodyForm):
    areas = AreasField(queryset=StandardArea.objects.order_by("position"), label=_("编制领域"),
                       help_text=_("复制所选领域中与本单位层级相符的标准事项；已编制的领域只补充缺少的标准事项"))


class AdoptView(BodyActionView):
    form_class = AdoptForm
    page_title = _("编制领域")

    def perform(self, form):
        result = adopt_areas(self.request.user, self.body, form.cleaned_data["areas"])
        if not result.areas:
            return _("所选领域均已编制，标准事项齐全，无需更新")
        return _("已编制 %(areas)s 领域，新增 %(created)s 项，恢复 %(reactivated)s 项") % {
            "areas": "、".join(a.name for a in result.areas), "created": result.created,
            "reactivated": result.reactivated}


class NotInvolvedForm(BodyForm):
    area = forms.ModelChoiceField(queryset=StandardArea.objects.order_by("position"), label=_("领域"))
    reason = forms.CharField(label=_("未涉及说明"), widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("必填，如：本单位不承担该领域职能，相关事项由××部门公开"),
                             error_messages={"required": _("标记未涉及领域须说明原因")})


class NotInvolvedView(BodyActionView):
    form_class = NotInvolvedForm
    page_title = _("标记未涉及领域")

    def perform(self, form):
        d = form.cleaned_data
        mark_area_not_involved(self.request.user, self.body, d["area"], d["reason"])
        return _("已将“%(area)s”标记为未涉及领域") % {"area": d["area"].name}


class FinaliseForm(BodyForm):
    finalised_on = forms.DateField(label=_("编制完成日期"), initial=timezone.localdate,
                                   widget=forms.DateInput(attrs={"type": "date"}))


class FinaliseView(BodyActionView):
    form_class = FinaliseForm
    page_title = _("确认编制完成")
    submit_button_label = _("确认编制完成")
    rule = staticmethod(rules.can_finalise_catalogue)

    def perform(self, form):
        catalogue = finalise_catalogue(self.request.user, self.body, form.cleaned_data["finalised_on"])
        return _("%(body)s公开目录已于%(date)s编制完成") % {"body": self.body.name,
                                                           "date": cn_date(catalogue.finalised_on)}


class ImportForm(BodyForm):
    area = forms.ModelChoiceField(queryset=StandardArea.objects.order_by("position"), label=_("领域"))
    file = forms.FileField(label=_("目录表格（.xlsx）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX_TYPE}),
                           help_text=_("标准目录格式：序号、公开事项（一级、二级）、公开内容、公开依据、公开时限、公开主体、"
                                       "公开渠道和载体、公开对象、公开方式、公开层级。不超过 10 MB。导入后该领域的事项以表格为准。"))
    sheet = forms.CharField(label=_("工作表名称"), required=False,
                            help_text=_("留空时导入与领域同名的工作表，没有则导入第一个工作表"))
    all_sheets = forms.BooleanField(label=_("导入全部工作表"), required=False)
    dry_run = forms.BooleanField(label=_("只校验，不导入"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > xlsx.MAX_BYTES:
            raise forms.ValidationError(_("文件过大（%(mb).1f MB），导入的表格不能超过 10 MB")
                                        % {"mb": upload.size / 1024 / 1024})
        return upload


class ImportView(BodyActionView):
    form_class = ImportForm
    page_title = _("导入 Excel")
    submit_button_label = _("导入")

    def perform(self, form):
        d = form.cleaned_data
        upload = d["file"]
        result = import_catalogue_xlsx(self.request.user, self.body, d["area"], upload.read(), filename=upload.name,
                                       sheet=d["sheet"] or None, all_sheets=d["all_sheets"], dry_run=d["dry_run"])
        for warning in result.warnings:
            messages.warning(self.request, warning)
        return result.summary()


class CatalogueExportView(View):
    def get(self, request, body_pk):
        body = get_object_or_404(catalogue_bodies_visible_to(request.user), pk=body_pk)
        try:
            data = export_catalogue_xlsx(request.user, body)
        except ServiceError as exc:
            messages.error(request, "；".join(exc.messages))
            return HttpResponseRedirect(reverse("catalogues:index"))
        return xlsx_response(data, f"{body.name}基层政务公开标准目录.xlsx")


class CatalogueViewSet(RuleViewSet):
    model = Catalogue
    policy_class = CataloguePolicy
    name = "catalogues"
    create_form_class = CatalogueCreateForm
    icon = "list-ul"
    menu_label = _("单位目录")
    add_to_admin_menu = False
    inspect_view_enabled = True
    list_display = ["body", "status", "finalised_on",
                    Column("adopted_count", label=_("已编制领域")), Column("not_involved_count", label=_("未涉及领域")),
                    Column("items_count", label=_("在用事项"))]
    list_filter = ["status"]
    search_fields = ["body__name"]
    index_view_class = type("CatalogueIndexView", (VisibleObjectMixin, generic.IndexView),
                            {"add_item_label": _("编制目录")})
    add_view_class = CatalogueCreateView
    inspect_view_class = CatalogueInspectView
    inspect_view_fields = ["body", "status", "finalised_on", "actions", "areas", "updated_at"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("adopt/<int:body_pk>/", AdoptView.as_view(), name="adopt"),
            path("not-involved/<int:body_pk>/", NotInvolvedView.as_view(), name="not_involved"),
            path("finalise/<int:body_pk>/", FinaliseView.as_view(), name="finalise"),
            path("import/<int:body_pk>/", ImportView.as_view(), name="import"),
            path("export/<int:body_pk>/", CatalogueExportView.as_view(), name="export"),
        ]


# --- Catalogue items --------------------------------------------------------------------------------

class CatalogueItemPolicy(RulePermissionPolicy):
    def allowed(self, user, action):
        return action in ("add", "change", "view") and rules.can_access_admin(user)

    def allowed_for(self, user, action, instance):
        body = instance.catalogue.body
        if action == "change":
            return rules.can_edit_catalogue(user, body)
        return action == "view" and rules.can_view_catalogue(user, body)

    def visible(self, user):
        return items_visible_to(user).order_by("catalogue__body__path", "area__position", "position", "pk")


def _visible_catalogues(request):
    return catalogues_visible_to(request.user) if request is not None else Catalogue.objects.none()


class CatalogueItemFilterSet(WagtailFilterSet):
    catalogue = ModelChoiceFilter(queryset=_visible_catalogues, label=_("单位目录"))
    area = ModelChoiceFilter(queryset=StandardArea.objects.order_by("position"), label=_("领域"))
    is_local = BooleanFilter(label=_("地方特色事项"))
    is_active = BooleanFilter(label=_("在用"))

    class Meta:
        model = CatalogueItem
        fields = ["catalogue", "area", "is_local", "is_active"]


ITEM_FORM_FIELDS = ["level1", "level2", "content", "basis", "time_limit_text", "subject", "other_channels",
                    *FLAG_FIELDS]
CHANNEL_CHOICES = [("", _("不适用")), (ChannelMark.REQUIRED.value, _("■ 必选")),
                   (ChannelMark.OPTIONAL.value, _("□ 可选"))]


class CatalogueItemForm(WagtailAdminModelForm):
    """Row fields of an item, with one choice per standard channel (■ 必选 / □ 可选 / 不适用)."""

    class Meta:
        model = CatalogueItem
        fields = ITEM_FORM_FIELDS

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.for_user = for_user
        self.fields["time_limit_text"].help_text = _(
            "按目录原文填写，如：信息形成或者变更之日起20个工作日内；公示7个工作日；及时公开。系统据此识别可校验的时限")
        self.fields["content"].widget.attrs["rows"] = 3
        self.fields["basis"].widget.attrs["rows"] = 3
        current = self.instance.channels if self.instance.pk else {}
        for channel in CHANNELS:
            self.fields[f"channel_{channel.code}"] = forms.ChoiceField(
                label=_("公开渠道：%(label)s") % {"label": channel.label}, choices=CHANNEL_CHOICES, required=False,
                initial=current.get(channel.code, ""))
        order = [*self.leading_fields, "level1", "level2", "content", "basis", "time_limit_text", "subject",
                 *(f"channel_{c.code}" for c in CHANNELS), "other_channels", *FLAG_FIELDS, *self.trailing_fields]
        self.order_fields(order)

    leading_fields: list[str] = []
    trailing_fields: list[str] = []

    def row_fields(self) -> dict:
        d = self.cleaned_data
        values = {name: d[name] for name in ITEM_FORM_FIELDS}
        values["channels"] = {c.code: d[f"channel_{c.code}"] for c in CHANNELS if d.get(f"channel_{c.code}")}
        return values

    def _post_clean(self):
        pass  # the service validates the whole item


class LocalItemForm(CatalogueItemForm):
    body = forms.ModelChoiceField(queryset=None, label=_("单位"))
    area = forms.ModelChoiceField(queryset=StandardArea.objects.order_by("position"), label=_("领域"))
    leading_fields = ["body", "area"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["body"].queryset = catalogue_bodies_editable_by(for_user)
        self.fields["audience_public"].initial = True
        self.fields["mode_proactive"].initial = True
        for name in ("level_county", "level_township"):
            self.fields[name].help_text = _("都不选时按本单位层级（县直部门为县级，乡镇为乡级）")

    def row_fields(self) -> dict:
        values = super().row_fields()
        if not (values["level_county"] or values["level_township"]):
            del values["level_county"], values["level_township"]  # the service takes the body's level
        return values


class ItemEditForm(CatalogueItemForm):
    trailing_fields = ["is_active"]

    class Meta(CatalogueItemForm.Meta):
        fields = [*ITEM_FORM_FIELDS, "is_active"]


class LocalItemCreateView(ServiceFormMixin, generic.CreateView):
    page_title = _("新增地方特色事项")

    def get_page_subtitle(self):
        return _("地方特色事项")
    def get_initial(self):
        initial = super().get_initial()
        body = self.request.GET.get("body")
        if body and body.isdigit():
            initial["body"] = int(body)
        return initial

    def save_instance(self):
        d = self.form.cleaned_data
        return add_local_item(self.request.user, d["body"], d["area"], **self.form.row_fields())


class ItemEditView(ServiceFormMixin, VisibleObjectMixin, generic.EditView):
    def save_instance(self):
        changes = {**self.form.row_fields(), "is_active": self.form.cleaned_data["is_active"]}
        return update_item(self.request.user, self.object, **changes)


class ItemInspectView(VisibleObjectMixin, generic.InspectView):
    def get_field_label(self, field_name, field):
        labels = {"body_name": _("单位"), "channels_display": _("公开渠道和载体"), "time_limit_summary": _("可校验时限"),
                  "audience_display": _("公开对象"), "mode_display": _("公开方式"), "level_display": _("公开层级"),
                  "origin_display": _("来源")}
        return labels.get(field_name) or super().get_field_label(field_name, field)


class CatalogueItemViewSet(RuleViewSet):
    model = CatalogueItem
    policy_class = CatalogueItemPolicy
    name = "catalogue_items"
    create_form_class = LocalItemForm
    edit_form_class = ItemEditForm
    icon = "list-ul"
    menu_label = _("目录事项")
    add_to_admin_menu = False
    inspect_view_enabled = True
    list_display = ["level1", "level2", Column("body_name", label=_("单位")), "area", "time_limit_text",
                    Column("origin_display", label=_("来源")), BooleanColumn("is_active", label=_("在用"))]
    filterset_class = CatalogueItemFilterSet
    search_fields = ["level1", "level2", "content"]
    index_view_class = type("CatalogueItemIndexView", (VisibleObjectMixin, generic.IndexView),
                            {"add_item_label": _("新增地方特色事项")})
    add_view_class = LocalItemCreateView
    edit_view_class = ItemEditView
    inspect_view_class = ItemInspectView
    inspect_view_fields = ["body_name", "area", "origin_display", "level1", "level2", "content", "basis",
                           "time_limit_text", "time_limit_summary", "subject", "channels_display",
                           "audience_display", "mode_display", "level_display", "is_active", "updated_at"]
