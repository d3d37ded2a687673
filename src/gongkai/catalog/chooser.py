"""Choosing catalogue items for a government-information record: Wagtail's chooser modal
(search, pagination, keyboard operation), limited to one body's catalogue, and a widget for a
many-to-many field that lists the chosen items, each with a remove button, and opens the modal
to add more.

The modal lists only active items of the catalogue of the body named by ``?body=`` and only when
the user may see that body; without a body it lists nothing. The form field's queryset is limited
the same way, and save_draft checks the items again (services.records._check_catalogue_items)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet

from gongkai.catalog.models import CatalogueItem
from gongkai.catalog.selectors import items_visible_to
from gongkai.core.models import Body, BodyKind


def catalogue_owner(body: Body) -> Body:
    """The body whose catalogue a record of ``body`` files under (a section uses its parent's)."""
    return body.get_parent() if body.kind == BodyKind.SECTION else body


def item_label(item: CatalogueItem) -> str:
    return f"{item.area.name} · {item}"


def choosable_items(user, body_id):
    """Active items of the catalogue of body ``body_id`` if ``user`` may see that body; else none."""
    try:
        body = Body.objects.get(pk=int(body_id))
    except (TypeError, ValueError, Body.DoesNotExist):
        return CatalogueItem.objects.none()
    return items_visible_to(user).active().filter(catalogue__body=catalogue_owner(body))


class ItemSearchForm(BaseFilterForm):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("输入事项名称、内容或领域")}))

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if not query:
            return objects
        self.is_searching, self.search_query = True, query
        return objects.filter(Q(level1__icontains=query) | Q(level2__icontains=query) | Q(content__icontains=query)
                              | Q(area__name__icontains=query))


class _BodyItems:
    preserve_url_parameters = ["multiple", "body"]
    filter_form_class = ItemSearchForm
    ordering = ["area__position", "position", "pk"]

    def get_object_list(self):
        return choosable_items(self.request.user, self.request.GET.get("body"))

    @property
    def columns(self):
        title = super().title_column
        title.label = _("事项")
        return [title, Column("area", label=_("领域"), accessor="area.name"),
                Column("time_limit_text", label=_("公开时限"))]


class _ChosenItems(chooser_views.ChosenResponseMixin):
    def get_display_title(self, instance):
        return item_label(instance)

    def get_edit_item_url(self, instance):
        return None

    def get_object(self, pk):
        return items_visible_to(self.request.user).active().get(pk=pk)

    def get_objects(self, pks):
        return items_visible_to(self.request.user).active().filter(pk__in=[p for p in pks if str(p).isdigit()])


class CatalogueItemChooserViewSet(ChooserViewSet):
    model = CatalogueItem
    icon = "list-ul"
    choose_one_text = _("选择公开目录事项")
    page_title = _("选择公开目录事项")
    choose_another_text = _("添加公开目录事项")
    per_page = 20
    preserve_url_parameters = ["multiple", "body"]
    register_widget = False
    choose_view_class = type("CatalogueItemChooseView", (_BodyItems, chooser_views.ChooseView), {})
    choose_results_view_class = type("CatalogueItemChooseResultsView", (_BodyItems, chooser_views.ChooseResultsView),
                                     {})
    chosen_view_class = type("CatalogueItemChosenView", (_ChosenItems, chooser_views.ChosenView), {})
    chosen_multiple_view_class = type("CatalogueItemChosenMultipleView",
                                      (_ChosenItems, chooser_views.ChosenMultipleView), {})


catalogue_item_chooser_viewset = CatalogueItemChooserViewSet("catalogue_item_chooser",
                                                             url_prefix="catalogue-item-chooser")


class CatalogueItemsWidget(forms.SelectMultiple):
    """The chosen items as a list (remove button each) and a button that opens the chooser modal
    for the record's body (``body``; on the create screen the body field's current value). Posts
    the ids like a multiple select. Disabled (a reviewer reading the record): the list only."""

    template_name = "catalog/widgets/catalogue_items.html"

    def __init__(self, *, body: Body | None = None, attrs=None):
        super().__init__(attrs)
        self.body = body

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ids = [int(v) for v in (value or []) if str(v).isdigit()]
        items = CatalogueItem.objects.filter(pk__in=ids).select_related("area")
        context["widget"].update({
            "chosen": [{"id": item.pk, "label": item_label(item)} for item in items],
            "chooser_url": reverse(catalogue_item_chooser_viewset.get_url_name("choose")),
            "body_id": self.body.pk if self.body else "",
        })
        return context

    @property
    def media(self):
        return forms.Media(js=["wagtailadmin/js/chooser-modal.js", "catalog/js/catalogue_items.js"])
