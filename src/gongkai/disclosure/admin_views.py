"""Admin screens for records: Wagtail's snippet editor (draft state, revisions, compare, workflow
actions), with permissions from the ``can_*`` rules and every save going through save_draft."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList, PublishingPanel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView, SnippetViewSet

from gongkai.core import rules
from gongkai.core.admin_views import RulePermissionPolicy, ServiceFormMixin, VisibleObjectMixin
from gongkai.core.models import BodyKind
from gongkai.disclosure.models import Record
from gongkai.disclosure.services.records import save_draft


class RecordPolicy(RulePermissionPolicy):
    """Drafting by information officers; nobody publishes or unpublishes directly: publication is
    the end of the review workflow, withdrawal a service of its own."""

    def allowed(self, user, action):
        if action in ("add", "change", "view"):
            return rules.can_access_admin(user)
        return False  # publish, unpublish, delete, lock: not from the generic screens

    def allowed_for(self, user, action, instance):
        if action == "change":
            return rules.can_draft_record(user, instance.body)
        if action == "view":
            return rules.can_view_body(user, instance.body)
        return False

    def visible(self, user):
        return Record.objects.filter(body__in=rules.bodies_visible_to(user)).select_related("body")


def limit_catalogue_items(form, user):
    """Offer the catalogue items of the bodies the user may see, labelled with body and area."""
    from gongkai.catalog.selectors import items_visible_to

    field = form.fields.get("catalogue_items")
    if field is not None:
        field.queryset = items_visible_to(user).filter(is_active=True).order_by(
            "catalogue__body__path", "area__position", "position")
        field.label_from_instance = lambda item: f"{item.catalogue.body.name} · {item.area.name} · {item}"


def record_publishing_panel() -> PublishingPanel:
    """Wagtail's schedule dialog, worded for records: the go-live time takes effect only when the
    leader approves (publication is the end of the review), the expiry time takes the record off
    the site (services.schedule)."""
    panel = PublishingPanel()
    go_live, expire = panel.children
    go_live.heading = _("定时发布时间")
    go_live.help_text = _("审核同意后到此时间自动发布；留空则审核同意后立即发布")
    expire.heading = _("定时撤回时间")
    expire.help_text = _("到此时间自动从网站撤回。文件失效或废止请使用“失效”“废止”操作，信息仍保留在网站上")
    return panel


class RecordCreateView(ServiceFormMixin, CreateView):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "body" in form.fields:
            form.fields["body"].queryset = rules.bodies_visible_to(self.request.user).filter(
                kind__in=[BodyKind.COUNTY, BodyKind.DEPARTMENT, BodyKind.TOWNSHIP]).order_by("path")
        limit_catalogue_items(form, self.request.user)
        return form

    def save_instance(self):
        record, self.new_revision = save_draft(self.request.user, self.form.save(commit=False), creating=True)
        self.has_content_changes = True
        return record


class RecordEditView(ServiceFormMixin, VisibleObjectMixin, EditView):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "body" in form.fields:
            form.fields["body"].disabled = True
        limit_catalogue_items(form, self.request.user)
        return form

    def save_instance(self):
        record, self.new_revision = save_draft(self.request.user, self.form.save(commit=False), creating=False)
        self.has_content_changes = self.form.has_changed()
        return record


class RecordIndexView(VisibleObjectMixin, IndexView):
    pass


class RecordViewSet(SnippetViewSet):
    model = Record
    icon = "doc-full"
    menu_label = _("政府信息")
    menu_order = 200
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["title", Column("body", label=_("发布机构")), "doc_type", "index_number",
                    Column("status_string", label=_("状态"))]
    list_filter = ["doc_type", "validity", "live"]
    search_fields = ["title", "doc_number", "index_number"]
    add_view_class = RecordCreateView
    edit_view_class = RecordEditView
    index_view_class = RecordIndexView
    edit_handler = ObjectList([
        FieldPanel("body", heading=_("发布机构")),
        FieldPanel("title"),
        MultiFieldPanel([
            FieldPanel("doc_number"), FieldPanel("index_number"), FieldPanel("written_date"),
            FieldPanel("formed_date"), FieldPanel("topic"), FieldPanel("doc_type"), FieldPanel("keywords"),
        ], heading=_("信息属性")),
        FieldPanel("catalogue_items", heading=_("公开目录事项")),
        FieldPanel("summary"),
        FieldPanel("content"),
        InlinePanel("attachments", heading=_("附件"), label=_("附件")),
        record_publishing_panel(),
    ])

    @property
    def permission_policy(self):
        return RecordPolicy(Record)
