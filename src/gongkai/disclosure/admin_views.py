"""Admin screens for records: Wagtail's snippet editor (draft state, revisions, compare, workflow
actions), with permissions from the ``can_*`` rules and every save going through save_draft; and the
screens of a published record's later life — 撤回, 失效, 废止, back to 有效 — each a confirmation
form calling its service (withdraw_record, set_validity), reachable from the record's "more" menu
in the listing and in the editor header."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList, PublishingPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views.chooser import ChooseResultsView as SnippetChooseResultsView
from wagtail.snippets.views.chooser import ChooseView as SnippetChooseView
from wagtail.snippets.views.chooser import SnippetChooserViewSet, SnippetChosenMultipleView, SnippetChosenView
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView, SnippetViewSet

from gongkai.core import rules
from gongkai.core.admin_views import RulePermissionPolicy, ServiceFormMixin, VisibleObjectMixin
from gongkai.core.models import BodyKind
from gongkai.core.services import ServiceError
from gongkai.disclosure.models import Record, Validity
from gongkai.disclosure.services.records import AttachmentRejected, save_draft, set_validity
from gongkai.disclosure.services.review import submit_for_review, withdraw_record

URL_NAMESPACE = "wagtailsnippets_disclosure_record"


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


def limit_catalogue_items(form, user, body=None):
    """Offer only the active items of ``body``'s catalogue (None: of the bodies the user may draft
    for, until the form's body is known), through the searchable chooser."""
    from gongkai.catalog.chooser import CatalogueItemsWidget, catalogue_owner
    from gongkai.catalog.selectors import items_visible_to

    field = form.fields.get("catalogue_items")
    if field is None:
        return
    items = items_visible_to(user).filter(is_active=True)
    if body is not None:
        items = items.filter(catalogue__body=catalogue_owner(body))
    field.queryset = items.order_by("catalogue__body__path", "area__position", "position")
    field.widget = CatalogueItemsWidget(body=body)


class AttachmentFileInput(forms.ClearableFileInput):
    """An attachment's file field that names the stored file by its file name, never by its
    storage path (records/2026/05/…)."""

    template_name = "disclosure/widgets/attachment_file.html"
    initial_text = _("当前文件")
    input_text = _("更换")

    def get_context(self, name, value, attrs):
        import posixpath

        context = super().get_context(name, value, attrs)
        context["widget"]["file_name"] = posixpath.basename(getattr(value, "name", "") or "")
        return context


def name_rich_text(form) -> None:
    """Give each rich-text editor of a record form its field's label as accessible name: the
    field's <label> points at Draftail's hidden input, so the editable area itself had none."""
    from wagtail.admin.rich_text import DraftailRichTextArea

    for field in form.fields.values():
        if isinstance(field.widget, DraftailRichTextArea):
            field.widget.options = {**field.widget.options, "ariaLabel": str(field.label)}


def read_only(form):
    """Disable every field of a record form and of its inline formsets: a disabled field keeps its
    stored value whatever is posted."""
    for field in form.fields.values():
        field.disabled = True
    for formset in getattr(form, "formsets", {}).values():
        for sub in formset.forms:
            for field in sub.fields.values():
                field.disabled = True


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


def loaded_revision(request) -> int | None:
    """The revision the editor was loaded from (Wagtail's hidden ``loaded_revision_id``, or the
    revision this editor's own autosave wrote, ``overwrite_revision_id``): the version for
    save_draft's compare-and-set. A value that is not a number can match no revision."""
    value = request.POST.get("overwrite_revision_id") or request.POST.get("loaded_revision_id")
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return 0


def save_record_draft(view, *, creating: bool):
    """save_draft from a record form; a refused attachment's message is put beside its file field
    (the form's other errors stay on top)."""
    try:
        return save_draft(view.request.user, view.form.save(commit=False), creating=creating,
                          expected_revision=None if creating else loaded_revision(view.request))
    except AttachmentRejected as exc:
        formset = getattr(view.form, "formsets", {}).get("attachments")
        shown = False
        for attachment, message in exc.refused:
            for sub in formset.forms if formset is not None else ():
                if sub.instance is attachment:
                    sub.add_error("file", message)
                    shown = True
        if shown:
            raise ServiceError(_("附件未通过检查，未保存任何内容，请查看“附件”栏中的说明")) from None
        raise


def drafting_bodies(user):
    """The bodies ``user`` may draft records for (county, departments, townships), in tree order."""
    visible = rules.bodies_visible_to(user).filter(
        kind__in=[BodyKind.COUNTY, BodyKind.DEPARTMENT, BodyKind.TOWNSHIP]).order_by("path")
    return visible.filter(pk__in=[b.pk for b in visible if rules.can_draft_record(user, b)])


class RecordCreateView(ServiceFormMixin, CreateView):
    """A new record. An officer with one body finds it preselected; the catalogue items offered
    are those of the chosen body's catalogue."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        bodies = drafting_bodies(self.request.user)
        body = None
        if "body" in form.fields:
            field = form.fields["body"]
            field.queryset = bodies
            only = list(bodies[:2])
            if len(only) == 1:
                body = only[0]
                field.initial, field.empty_label = body.pk, None
            posted = str(form.data.get("body", "")) if form.is_bound else ""
            if posted.isdigit():
                body = bodies.filter(pk=int(posted)).first()
        limit_catalogue_items(form, self.request.user, body)
        name_rich_text(form)
        if "catalogue_items" in form.fields:  # the chooser follows the body field as it changes
            form.fields["catalogue_items"].widget.body = None
        return form

    def save_instance(self):
        record, self.new_revision = save_record_draft(self, creating=True)
        self.has_content_changes = True
        return record


# --- A published record's later life: 撤回, 失效, 废止, 有效 ---------------------------------------

# target validity → (page title, submit label, icon, what happens)
VALIDITY_ACTIONS = {
    Validity.EXPIRED: (_("标记失效"), _("确认标记为失效"), "time",
                       _("信息仍在网站上公开，页面注明“本文件已失效”及失效日期和说明。")),
    Validity.REPEALED: (_("标记废止"), _("确认标记为废止"), "circle-xmark",
                        _("信息仍在网站上公开，页面注明“本文件已废止”及废止日期和说明。")),
    Validity.VALID: (_("恢复有效"), _("确认恢复有效"), "circle-check",
                     _("取消失效或废止标记，页面不再显示失效或废止提示。")),
}


def is_scheduled(record: Record) -> bool:
    """An approved revision waits for its 定时发布时间."""
    return record.revisions.filter(approved_go_live_at__isnull=False).exists()


def lifecycle_buttons(user, record: Record) -> list[Button]:
    """The actions on a published (or scheduled) record that ``user`` may take, for the "more"
    menus; other apps add theirs with the ``gongkai_record_buttons`` hook (``fn(user, record)``
    returning buttons), as the privacy guard adds its check screen."""
    from wagtail import hooks

    buttons = [button for hook in hooks.get_hooks("gongkai_record_buttons") for button in hook(user, record)]
    if not rules.can_withdraw_record(user, record.body):
        return buttons
    if record.live or is_scheduled(record):
        label = _("撤回") if record.live else _("取消定时发布")
        buttons.append(Button(label, url=reverse(f"{URL_NAMESPACE}:withdraw", args=[record.pk]),
                              icon_name="no-view", priority=40))
    if record.first_published_at is None:
        return buttons
    for position, (validity, (title, _submit, icon, _consequence)) in enumerate(VALIDITY_ACTIONS.items()):
        if validity == record.validity:
            continue
        url = reverse(f"{URL_NAMESPACE}:validity", args=[record.pk, validity.value])
        buttons.append(Button(title, url=url, icon_name=icon, priority=41 + position))
    return buttons


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500,
                             help_text=_("如：内容有误，更正后重新发布。撤回原因记入审计日志"),
                             error_messages={"required": _("请填写撤回原因")})


class ValidityForm(forms.Form):
    validity_date = forms.DateField(label=_("日期"), initial=timezone.localdate,
                                    widget=forms.DateInput(attrs={"type": "date"}),
                                    error_messages={"required": _("失效或废止的信息必须填写失效或废止日期"),
                                                    "invalid": _("请输入有效的日期，如 2026-06-01")})
    note = forms.CharField(label=_("说明"), max_length=300, required=False,
                           help_text=_("如：被青农发〔2026〕30号文件废止；有效期届满。显示在信息页面上"))

    def __init__(self, *args, validity: str, **kwargs):
        super().__init__(*args, **kwargs)
        if validity == Validity.VALID:
            del self.fields["validity_date"]
            self.fields["note"].help_text = _("如：误标失效，恢复有效。记入审计日志")
        else:
            label = Validity(validity).label
            self.fields["validity_date"].label = _("%(state)s日期") % {"state": label}


class RecordActionView(WagtailAdminTemplateMixin, FormView):
    """Confirmation form for one action on one record (``pk`` in the URL). Records the user may
    not see are 404; seen but not theirs to act on (``can_withdraw_record``), 403."""

    template_name = "disclosure/admin/record_action.html"
    header_icon = "doc-full"
    page_title = ""
    submit_button_label = ""
    consequence = ""

    def dispatch(self, request, *args, pk, **kwargs):
        self.record = get_object_or_404(RecordPolicy(Record).visible(request.user), pk=pk)
        if not rules.can_withdraw_record(request.user, self.record.body):
            raise PermissionDenied
        self.configure()
        return super().dispatch(request, *args, **kwargs)

    def configure(self) -> None:
        """Set the wording from the record's state (called once the record is loaded)."""

    def get_page_subtitle(self):
        return self.record.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(f"{URL_NAMESPACE}:list"), "label": _("政府信息")},
            {"url": self.get_success_url(), "label": self.record.title},
            {"url": "", "label": self.page_title},
        ]

    def unavailable(self) -> str:
        """Why the action cannot be taken now ("" if it can); the form is then not offered."""
        return "" if self.record.first_published_at else _("该信息尚未发布")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "record": self.record, "action_url": self.request.path,
                "unavailable": self.unavailable(), "consequence": self.consequence,
                "back_url": self.get_success_url(), "submit_button_label": self.submit_button_label,
                "submit_button_active_label": _("处理中…")}

    def form_valid(self, form):
        try:
            message = self.perform(form)
        except ServiceError as exc:  # bad input: shown on the form, which keeps what was typed
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return reverse(f"{URL_NAMESPACE}:edit", args=[self.record.pk])

    def perform(self, form) -> str:
        raise NotImplementedError  # pragma: no cover - each view below defines it


class RecordWithdrawView(RecordActionView):
    """撤回 a public record; for a record approved for a later time and not yet public, 取消定时发布."""

    form_class = WithdrawForm
    page_title = _("撤回政府信息")
    submit_button_label = _("确认撤回")
    consequence = _("撤回后，公众将无法在网站、检索和订阅中看到该信息；信息及其历史记录保留，可修改后重新送审发布。")

    def configure(self):
        if not self.record.live and is_scheduled(self.record):
            self.page_title, self.submit_button_label = _("取消定时发布"), _("确认取消定时发布")
            self.consequence = _("取消后，已审核同意的版本不会在定时发布时间自动发布；可修改后重新送审。")

    def unavailable(self):
        if self.record.live or is_scheduled(self.record):
            return ""
        return _("该信息当前未公开，无需撤回")

    def perform(self, form):
        was_live = self.record.live
        withdraw_record(self.request.user, self.record, reason=form.cleaned_data["reason"])
        if was_live:
            return _("已撤回“%(title)s”") % {"title": self.record.title}
        return _("已取消“%(title)s”的定时发布") % {"title": self.record.title}


class RecordValidityView(RecordActionView):
    form_class = ValidityForm

    def dispatch(self, request, *args, validity, **kwargs):
        if validity not in Validity.values:
            raise Http404
        self.validity = Validity(validity)
        self.page_title, self.submit_button_label, _icon, self.consequence = VALIDITY_ACTIONS[self.validity]
        return super().dispatch(request, *args, **kwargs)

    def unavailable(self):
        if self.validity == Validity.VALID and self.record.validity == Validity.VALID:
            return super().unavailable() or _("该信息当前已是“有效”状态")
        return super().unavailable()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "validity": self.validity}

    def perform(self, form):
        d = form.cleaned_data
        set_validity(self.request.user, self.record, self.validity, date=d.get("validity_date"), note=d["note"])
        return _("“%(title)s”已标记为%(state)s") % {"title": self.record.title, "state": self.validity.label}


class RecordEditView(ServiceFormMixin, VisibleObjectMixin, EditView):
    """The record screen. Whoever may draft for the record's body edits it; the confidentiality
    reviewer and the approving leader of the body open it (Wagtail lets a task's actors into the
    editor) to read the revision under review and decide on it, without changing its content:
    for them the form is read-only, nothing is autosaved, and the footer offers only their task's
    actions. A task action never saves the form: the decision is on the revision that was
    submitted (一事一审), through the review services (workflow.on_action)."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if not self.may_edit:
            self.autosave_enabled = False

    @cached_property
    def may_edit(self) -> bool:
        return rules.can_draft_record(self.request.user, self.object.body)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "body" in form.fields:
            form.fields["body"].disabled = True
        limit_catalogue_items(form, self.request.user, self.object.body)
        if not self.may_edit:
            read_only(form)
        name_rich_text(form)
        return form

    def _get_action_menu(self):
        menu = super()._get_action_menu()
        if not self.may_edit:  # a reviewer or leader: their task's actions, nothing that saves
            from wagtail.snippets.action_menu import LockedMenuItem, WorkflowMenuItem

            items = [i for i in (menu.default_item, *menu.menu_items)
                     if isinstance(i, WorkflowMenuItem | LockedMenuItem)]
            menu.default_item, menu.menu_items = (items[0] if items else None), items[1:]
        return menu

    def post(self, request, *args, **kwargs):
        if self.action == "workflow-action":
            return self.decide()
        return super().post(request, *args, **kwargs)

    def decide(self):
        """Run the current task's action (保密审查 or 审核) chosen in the footer, with the data its
        dialog collected (``workflow-action-extra-data``). Content typed into the form is never
        saved by a decision: an editor who changed the form is asked to save first."""
        import json

        edit_url = reverse(f"{URL_NAMESPACE}:edit", args=[self.object.pk])
        if self.may_edit and self.get_form().has_changed():
            messages.error(self.request, _("页面上有未保存的修改。审查决定针对已送审的版本：请先保存修改（修改后需重新送审），"
                                           "或放弃修改后再作决定。"))
            return HttpResponseRedirect(edit_url)
        try:
            data = json.loads(self.request.POST.get("workflow-action-extra-data") or "{}")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            messages.error(self.request, _("审查意见的数据无效，请重新操作"))
            return HttpResponseRedirect(edit_url)
        task_state = self.object.current_workflow_task_state
        label = self.workflow_action_label()
        try:
            self.object.current_workflow_task.on_action(task_state, self.request.user, self.workflow_action,
                                                        **{k: str(v) for k, v in data.items()})
        except ServiceError as exc:
            messages.error(self.request, "；".join(exc.messages))
            return HttpResponseRedirect(edit_url)
        messages.success(self.request, _("已对“%(title)s”作出决定：%(action)s") % {
            "title": self.object.title, "action": label})
        return HttpResponseRedirect(edit_url if self.may_edit else reverse("wagtailadmin_home"))

    def workflow_action_label(self) -> str:
        actions = self.object.current_workflow_task.get_actions(self.object, self.request.user) \
            if self.object.current_workflow_task else []
        return next((str(label) for name, label, _modal in actions if name == self.workflow_action),
                    self.workflow_action)

    def save_instance(self):
        record, self.new_revision = save_record_draft(self, creating=False)
        self.has_content_changes = self.form.has_changed()
        return record

    def submit_action(self):
        """送审 through the service: a second click gets a message, never a second review (500)."""
        try:
            submit_for_review(self.request.user, self.object)
        except ServiceError as exc:
            messages.error(self.request, "；".join(exc.messages))
            return HttpResponseRedirect(reverse(f"{URL_NAMESPACE}:edit", args=[self.object.pk]))
        return None

    @cached_property
    def header_more_buttons(self):
        record = Record.objects.select_related("body").get(pk=self.object.pk)  # the public row's state
        return [*super().header_more_buttons, *lifecycle_buttons(self.request.user, record)]


class RecordScopeMixin:
    """404 for a record outside the user's bodies, in every per-record view Wagtail adds (inspect,
    history, usage, revisions, previews, locking, workflow): a draft is the body's business until it
    is published, and those views check only model-level permissions."""

    def dispatch(self, request, *args, **kwargs):
        pk = kwargs.get("pk")
        if pk is not None:
            try:
                pk = int(unquote(str(pk)))
            except ValueError:
                raise Http404 from None
            if not RecordPolicy(Record).visible(request.user).filter(pk=pk).exists():
                raise Http404
        return super().dispatch(request, *args, **kwargs)


SCOPED_VIEWS = ("inspect", "history", "usage", "revisions", "revisions_compare", "revisions_unschedule", "unpublish",
                "delete", "preview_on_edit", "lock", "unlock", "workflow_action", "collect_workflow_action_data",
                "confirm_workflow_cancellation", "workflow_preview", "workflow_history", "workflow_history_detail")


class RecordIndexView(VisibleObjectMixin, IndexView):
    def get_list_more_buttons(self, instance):
        return [*super().get_list_more_buttons(instance), *lifecycle_buttons(self.request.user, instance)]


class _VisibleRecords:
    """The record chooser's views list and return only the records the user may see (as the
    record list does): a village clerk must not read another body's draft titles through it."""

    def get_object_list(self):
        return RecordPolicy(Record).visible(self.request.user)

    def get_object(self, pk):
        return RecordPolicy(Record).visible(self.request.user).get(pk=pk)

    def get_objects(self, pks):
        return RecordPolicy(Record).visible(self.request.user).filter(pk__in=pks)


class RecordChooserViewSet(SnippetChooserViewSet):
    choose_view_class = type("RecordChooseView", (_VisibleRecords, SnippetChooseView), {})
    choose_results_view_class = type("RecordChooseResultsView", (_VisibleRecords, SnippetChooseResultsView), {})
    chosen_view_class = type("RecordChosenView", (_VisibleRecords, SnippetChosenView), {})
    chosen_multiple_view_class = type("RecordChosenMultipleView", (_VisibleRecords, SnippetChosenMultipleView), {})


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
    chooser_viewset_class = RecordChooserViewSet
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
        InlinePanel("attachments", heading=_("附件"), label=_("附件"),
                    panels=[FieldPanel("title"), FieldPanel("file", widget=AttachmentFileInput)]),
        record_publishing_panel(),
    ])

    @property
    def permission_policy(self):
        return RecordPolicy(Record)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("withdraw/<int:pk>/", RecordWithdrawView.as_view(), name="withdraw"),
            path("validity/<int:pk>/<str:validity>/", RecordValidityView.as_view(), name="validity"),
        ]


for _name in SCOPED_VIEWS:
    _view = getattr(RecordViewSet, f"{_name}_view_class")
    setattr(RecordViewSet, f"{_name}_view_class", type(f"Record{_view.__name__}", (RecordScopeMixin, _view), {}))
