"""Wagtail admin screens for bodies, people, roles, the holiday calendar and the audit log.

The screens never save models themselves: create/edit/delete call the service layer, and a
ServiceError comes back to the form as field errors. What each user sees and may do comes from the
``can_*`` rules through RulePermissionPolicy.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from gongkai.core import rules
from gongkai.core.denials import out_of_scope
from gongkai.core.login_security import client_address, lock_state
from gongkai.core.models import AuditEvent, Body, BodyKind, CalendarYear, Membership, Role
from gongkai.core.services import ServiceError
from gongkai.core.services.bodies import CONTACT_FIELDS, STRUCTURE_FIELDS, create_body, update_body
from gongkai.core.services.calendar import after_load, load_calendar_year
from gongkai.core.services.logins import locked_accounts, unlock
from gongkai.core.services.people import assign_role, create_person, revoke_role, set_password, update_person
from gongkai.rules.holiday_notice import parse_notice
from gongkai.rules.workdays import CalendarError, parse_year_file

User = get_user_model()


class LoginForm(WagtailLoginForm):
    """Wagtail's login form leaves the password label to the field name ("Password"). When
    django-axes refused the attempt (the account or the address is locked, whatever the password),
    the error names the lock and the local time it ends."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("密码")
        self.fields["remember"].label = _("记住我")

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if not getattr(self.request, "axes_locked_out", False):
                raise
            state = lock_state(self.cleaned_data.get("username"), client_address(self.request))
            raise forms.ValidationError(state.message() if state else _("登录失败次数过多，请稍后再试。"),
                                        code="locked_out") from None


class RulePermissionPolicy(BasePermissionPolicy):
    """Permission policy backed by the ``can_*`` rules; subclasses say what each action means."""

    def user_has_permission(self, user, action):
        return self.allowed(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.allowed_for(user, action, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        return self.visible(user) if any(self.allowed(user, a) for a in actions) else self.model.objects.none()

    def users_with_any_permission(self, actions):
        return User.objects.filter(is_superuser=True, is_active=True)

    def allowed(self, user, action) -> bool:
        raise PermissionError  # pragma: no cover - each policy below defines it

    def allowed_for(self, user, action, instance) -> bool:
        return self.allowed(user, action)

    def visible(self, user):
        return self.model.objects.all()


class RuleViewSet(ModelViewSet):
    """A model viewset whose permissions come from a RulePermissionPolicy and whose forms are
    given per action (the views call services; they never save the form themselves)."""

    policy_class: type[RulePermissionPolicy]
    create_form_class = None
    edit_form_class = None
    add_to_admin_menu = True
    copy_view_enabled = False

    @property
    def permission_policy(self):
        return self.policy_class(self.model)

    def get_common_view_kwargs(self, **kwargs):
        # Changes to these models are recorded in Gongkai's audit log, not in Wagtail's log, so the
        # screens do not link to Wagtail's (empty) history view.
        return super().get_common_view_kwargs(**{"history_url_name": None, **kwargs})

    def get_form_class(self, for_update=False):
        # Without an edit form the policy refuses "change", so the create form is only a fallback.
        form_class = (for_update and self.edit_form_class) or self.create_form_class
        return form_class or super().get_form_class(for_update)


class ServiceFormMixin:
    """Turn a ServiceError raised by the service into form errors instead of a 500."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ServiceError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class VisibleObjectMixin:
    """Limit lists and object look-ups to what the user may see; others get 404."""

    def get_base_queryset(self):
        return self.permission_policy.visible(self.request.user)

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.permission_policy.visible(self.request.user).filter(pk=obj.pk).exists():
            raise out_of_scope(self.request, obj)
        return obj


# --- Bodies -----------------------------------------------------------------------------------

class BodyPolicy(RulePermissionPolicy):
    def allowed(self, user, action):
        if action in ("add", "change", "view"):
            return rules.can_access_admin(user)
        return False  # bodies are deactivated, never deleted

    def allowed_for(self, user, action, instance):
        if action == "change":
            return rules.can_edit_body_contact(user, instance)
        if action == "view":
            return rules.can_view_body(user, instance)
        return False

    def visible(self, user):
        return rules.bodies_visible_to(user).order_by("path")


class BodyCreateForm(WagtailAdminModelForm):
    parent = forms.ModelChoiceField(queryset=Body.objects.none(), label=_("上级机构"), required=True)

    class Meta:
        model = Body
        fields = ["parent", "kind", "name", "short_name", "code", "is_competent_office", *CONTACT_FIELDS]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["parent"].queryset = rules.bodies_visible_to(for_user).exclude(
            kind__in=[BodyKind.SECTION, BodyKind.VILLAGE]).order_by("path")

    def _post_clean(self):
        # The service validates the whole body (including tree fields); skip model validation here.
        pass


class BodyEditForm(WagtailAdminModelForm):
    class Meta:
        model = Body
        fields = ["name", "short_name", "code", "is_competent_office", "is_active", *CONTACT_FIELDS]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if self.instance.pk and not rules.can_edit_body_structure(for_user, self.instance):
            for name in STRUCTURE_FIELDS:
                self.fields[name].disabled = True

    def _post_clean(self):
        pass


class BodyCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        data = dict(self.form.cleaned_data)
        parent, kind, name = data.pop("parent"), data.pop("kind"), data.pop("name")
        return create_body(self.request.user, parent=parent, kind=kind, name=name, **data)


class BodyEditView(ServiceFormMixin, VisibleObjectMixin, generic.EditView):
    def save_instance(self):
        changes = {f: self.form.cleaned_data[f] for f in self.form.changed_data}
        return update_body(self.request.user, self.object, **changes)


class BodyIndexView(VisibleObjectMixin, generic.IndexView):
    pass


class BodyViewSet(RuleViewSet):
    model = Body
    policy_class = BodyPolicy
    create_form_class = BodyCreateForm
    edit_form_class = BodyEditForm
    icon = "site"
    menu_label = _("机构")
    menu_order = 210
    inspect_view_enabled = True
    list_display = ["name", "kind", Column("parent_name", label=_("上级机构")), "code", "phone",
                    BooleanColumn("is_active", label=_("启用"))]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    index_view_class = BodyIndexView
    add_view_class = BodyCreateView
    edit_view_class = BodyEditView
    inspect_view_class = type("BodyInspectView", (VisibleObjectMixin, generic.InspectView), {})


# --- People and roles --------------------------------------------------------------------------

class PersonPolicy(RulePermissionPolicy):
    def allowed(self, user, action):
        return action in ("add", "change", "view") and rules.can_access_admin(user)

    def allowed_for(self, user, action, instance):
        bodies = [m.body for m in instance.memberships.select_related("body")]
        if action == "change":
            return rules.is_platform_operator(user) or any(rules.can_manage_people(user, b) for b in bodies)
        if action == "view":
            return rules.is_platform_operator(user) or any(rules.can_view_body(user, b) for b in bodies)
        return False

    def visible(self, user):
        if rules.is_platform_operator(user):
            return User.objects.all().order_by("username")
        return User.objects.filter(memberships__body__in=rules.bodies_visible_to(user)).distinct().order_by("username")


class PersonCreateForm(WagtailAdminModelForm):
    full_name = forms.CharField(label=_("姓名"), max_length=150)
    body = forms.ModelChoiceField(queryset=Body.objects.none(), label=_("所在机构"))
    role = forms.ChoiceField(choices=Role.choices, label=_("角色"))
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, strip=False)

    class Meta:
        model = User
        fields = ["username", "email"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["body"].queryset = rules.bodies_visible_to(for_user).exclude(kind=BodyKind.SECTION).order_by("path")

    def _post_clean(self):
        pass


class PersonEditForm(WagtailAdminModelForm):
    full_name = forms.CharField(label=_("姓名"), max_length=150)
    new_password = forms.CharField(label=_("重设密码"), widget=forms.PasswordInput, strip=False, required=False,
                                   help_text=_("留空则不修改"))

    class Meta:
        model = User
        fields = ["email", "is_active"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["full_name"].initial = self.instance.first_name

    def _post_clean(self):
        pass


class PersonCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        d = self.form.cleaned_data
        user = create_person(self.request.user, body=d["body"], username=d["username"], full_name=d["full_name"],
                             email=d["email"], password=d["password"])
        assign_role(self.request.user, user=user, body=d["body"], role=d["role"])
        return user


class PersonEditView(ServiceFormMixin, VisibleObjectMixin, generic.EditView):
    def save_instance(self):
        d = self.form.cleaned_data
        person = update_person(self.request.user, User.objects.get(pk=self.object.pk), full_name=d["full_name"],
                               email=d["email"], is_active=d["is_active"])
        if d["new_password"]:
            set_password(self.request.user, person, d["new_password"])
        return person


class PersonInspectView(VisibleObjectMixin, generic.InspectView):
    """Security (issue 13): shows the person's 双因素认证 status and, to whoever may reset it
    (rules.can_reset_two_factor), a 重置双因素认证 button."""

    def get_field_label(self, field_name, field):
        return _("双因素认证") if field_name == "two_factor" else super().get_field_label(field_name, field)

    def get_two_factor_display_value(self):
        from gongkai.core.two_factor_views import status_label

        return status_label(self.object)

    @cached_property
    def header_more_buttons(self):
        from django.urls import reverse
        from wagtail.admin.widgets import Button

        buttons = list(super().header_more_buttons)
        bodies = [m.body for m in self.object.memberships.select_related("body")]
        if rules.can_reset_two_factor(self.request.user, self.object, bodies):
            buttons.append(Button(_("重置双因素认证"), url=reverse("two_factor:reset", args=[self.object.pk]),
                                  icon_name="key", priority=30))
        return buttons


class PersonViewSet(RuleViewSet):
    model = User
    policy_class = PersonPolicy
    create_form_class = PersonCreateForm
    edit_form_class = PersonEditForm
    name = "people"
    url_prefix = "people"
    icon = "user"
    menu_label = _("人员")
    menu_order = 220
    inspect_view_enabled = True
    list_display = ["username", Column("first_name", label=_("姓名")), "email",
                    BooleanColumn("is_active", label=_("启用"))]
    search_fields = ["username", "first_name"]
    index_view_class = type("PersonIndexView", (VisibleObjectMixin, generic.IndexView), {})
    add_view_class = PersonCreateView
    edit_view_class = PersonEditView
    inspect_view_class = PersonInspectView
    inspect_view_fields = ["username", "first_name", "email", "is_active", "last_login", "date_joined", "two_factor"]


class MembershipPolicy(RulePermissionPolicy):
    def allowed(self, user, action):
        return action in ("add", "delete", "view") and rules.can_grant_roles(user)

    def allowed_for(self, user, action, instance):
        if action == "delete":
            return rules.can_manage_people(user, instance.body)
        return action == "view" and rules.can_view_body(user, instance.body)

    def visible(self, user):
        return Membership.objects.filter(body__in=rules.bodies_visible_to(user)).select_related("user", "body")


class MembershipForm(WagtailAdminModelForm):
    class Meta:
        model = Membership
        fields = ["user", "body", "role"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["body"].queryset = rules.bodies_visible_to(for_user).exclude(kind=BodyKind.SECTION).order_by("path")
        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("username")
        self.fields["user"].label = _("人员")

    def _post_clean(self):
        pass


class MembershipCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        d = self.form.cleaned_data
        return assign_role(self.request.user, user=d["user"], body=d["body"], role=d["role"])


class MembershipDeleteView(VisibleObjectMixin, generic.DeleteView):
    def delete_action(self):
        if not rules.can_manage_people(self.request.user, self.object.body):
            raise PermissionDenied
        revoke_role(self.request.user, self.object)


class MembershipViewSet(RuleViewSet):
    model = Membership
    policy_class = MembershipPolicy
    create_form_class = MembershipForm
    icon = "key"
    menu_label = _("角色授权")
    menu_order = 230
    list_display = ["user", "body", "role", "created_at"]
    list_filter = ["role"]
    index_view_class = type("MembershipIndexView", (VisibleObjectMixin, generic.IndexView), {})
    add_view_class = MembershipCreateView
    delete_view_class = MembershipDeleteView
    form_fields = ["user", "body", "role"]


# --- Calendar ----------------------------------------------------------------------------------

class CalendarPolicy(RulePermissionPolicy):
    def allowed(self, user, action):
        if action == "view":
            return rules.can_view_calendar(user)
        return action == "add" and rules.can_load_calendar(user)


class CalendarYearForm(WagtailAdminModelForm):
    """A year's days from the State Council's notice pasted as text (read by
    rules.holiday_notice and shown for confirmation before anything is stored), or from a day-list
    file as before."""

    notice_text = forms.CharField(
        label=_("通知正文"), required=False, max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("粘贴《国务院办公厅关于某年部分节假日安排的通知》的正文（从“一、元旦”到最后一项）。"
                    "系统逐项读出放假和调休上班日期，核对星期和天数，请您确认后再载入。"),
    )
    file = forms.FileField(
        label=_("或上传节假日文件"), required=False,
        help_text=_("每行一天：日期,类型[,名称]；类型为“休”（放假）或“班”（调休上班）。支持 UTF-8 和 GBK 编码。"),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = CalendarYear
        fields = ["year", "notice"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)

    MAX_BYTES = 64 * 1024

    def clean(self):
        cleaned = super().clean()
        upload, year, text = cleaned.get("file"), cleaned.get("year"), (cleaned.get("notice_text") or "").strip()
        if year is None:
            return cleaned
        if bool(upload) == bool(text):
            raise forms.ValidationError(_("请粘贴通知正文，或上传节假日文件（二者选一）"))
        if text:
            try:
                parsed = parse_notice(year, text)
            except CalendarError as exc:
                raise forms.ValidationError(str(exc)) from None
            cleaned["days"], cleaned["parsed_notice"] = parsed.triples(), parsed
            return cleaned
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("文件过大：节假日文件不应超过 64 KB"))
        raw = upload.read()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise forms.ValidationError(_("文件既不是 UTF-8 也不是 GBK 编码"))
        try:
            cleaned["days"] = parse_year_file(year, text)
        except CalendarError as exc:
            raise forms.ValidationError(str(exc)) from None
        return cleaned

    def validate_unique(self):
        pass  # loading an existing year replaces it

    def _post_clean(self):
        pass


class CalendarInspectView(generic.InspectView):
    def get_field_label(self, field_name, field):
        return _("节假日安排") if field_name == "days" else super().get_field_label(field_name, field)

    def get_days_display_value(self):
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((d.date.isoformat(), "一二三四五六日"[d.date.weekday()], d.get_kind_display(), d.name)
             for d in self.object.days.order_by("date")),
        )
        return format_html(
            '<table class="listing"><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
            _("日期"), _("星期"), _("类型"), _("节日"), rows,
        )


class CalendarCreateView(ServiceFormMixin, generic.CreateView):
    template_name = "gongkai/admin/calendar_create.html"

    def get_initial(self):
        from gongkai.core.services.calendar import awaited_year

        year = awaited_year()
        return {**super().get_initial(), **({"year": year, "notice": f"国务院办公厅关于{year}年部分节假日安排的通知"}
                                           if year else {})}

    def form_valid(self, form):
        parsed = form.cleaned_data.get("parsed_notice")
        if parsed is not None and not form.cleaned_data.get("confirmed"):
            # First the days as read, for the office to check against the notice; nothing is stored.
            form.data = form.data.copy()
            form.data["confirmed"] = "True"
            return self.render_to_response(self.get_context_data(form=form, preview=parsed))
        return super().form_valid(form)

    def save_instance(self):
        d = self.form.cleaned_data
        return load_calendar_year(self.request.user, d["year"], d["days"], notice=d["notice"])

    def get_success_message(self, instance):
        return f"{instance.year}年节假日数据已载入"

    def save_action(self):
        response = super().save_action()
        for summary in after_load(self.request.user, self.object.year):
            messages.info(self.request, summary)
        return response


class CalendarViewSet(RuleViewSet):
    model = CalendarYear
    policy_class = CalendarPolicy
    create_form_class = CalendarYearForm
    icon = "date"
    menu_label = _("节假日")
    menu_order = 240
    inspect_view_enabled = True
    list_display = ["year", "source", "notice", "loaded_at"]
    add_view_class = CalendarCreateView
    inspect_view_class = CalendarInspectView
    inspect_view_fields = ["year", "source", "notice", "loaded_at", "days"]  # days: CalendarInspectView


# --- Audit log ---------------------------------------------------------------------------------

class AuditPolicy(RulePermissionPolicy):
    def allowed(self, user, action):
        return action == "view" and rules.can_view_audit_log(user)

    def allowed_for(self, user, action, instance):
        return self.allowed(user, action) and self.visible(user).filter(pk=instance.pk).exists()

    def visible(self, user):
        return rules.audit_events_visible_to(user)


def _event_type_choices():
    from gongkai.core.audit import EVENT_TYPES

    return [(code, f"{label}（{code}）") for code, label in EVENT_TYPES.items()]


class AuditFilterSet(WagtailFilterSet):
    """Filters of the audit screen (等保2.0: the records can be searched): who, what, when. They
    narrow the entries the user may read (rules.audit_events_visible_to), never widen them."""

    actor = django_filters.CharFilter(field_name="actor_label", lookup_expr="icontains", label=_("操作人"),
                                      help_text=_("姓名或用户名的一部分，如“张”或“admin”；命令行操作为“命令行”"))
    event_type = django_filters.ChoiceFilter(label=_("事件类型"), choices=_event_type_choices, empty_label=_("全部"))
    created_at = django_filters.DateFromToRangeFilter(label=_("日期"), widget=DateRangePickerWidget)

    class Meta:
        model = AuditEvent
        fields = []


class AuditViewSet(RuleViewSet):
    model = AuditEvent
    filterset_class = AuditFilterSet
    index_view_class = type("AuditIndexView", (VisibleObjectMixin, generic.IndexView), {})
    inspect_view_class = type("AuditInspectView", (VisibleObjectMixin, generic.InspectView), {})
    policy_class = AuditPolicy
    icon = "history"
    menu_label = _("审计日志")
    menu_order = 250
    inspect_view_enabled = True
    list_display = ["seq", "created_at", Column("event_label", label=_("事件")), "actor_label", "object_label"]
    search_fields = ["object_label", "actor_label"]
    inspect_view_fields = ["seq", "created_at", "event_type", "actor_label", "object_type", "object_id",
                           "object_label", "scope_body_id", "data", "prev_hash", "hash", "key_id"]
    form_fields = ["event_type"]


# --- Login locks (登录失败处理) ------------------------------------------------------------------

class LoginLocksView(WagtailAdminTemplateMixin, TemplateView):
    """Accounts (and, for platform operators, client addresses) locked after failed logins, each
    with its unlock time and a button that lifts the lock through ``services.logins.unlock``."""

    template_name = "gongkai/admin/login_locks.html"
    page_title = _("登录锁定")
    header_icon = "lock"

    def dispatch(self, request, *args, **kwargs):
        if not rules.can_view_login_locks(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["locks"] = [{**item, "until_local": timezone.localtime(item["until"])}
                            for item in locked_accounts(self.request.user)]
        context["account_limit"] = settings.AXES_FAILURE_LIMIT
        context["address_limit"] = settings.GONGKAI_LOGIN_IP_FAILURE_LIMIT
        context["minutes"] = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return context

    def post(self, request, *args, **kwargs):
        kind, key = request.POST.get("kind"), (request.POST.get("key") or "").strip()
        if kind not in ("account", "address") or not key:
            messages.error(request, _("请求无效：未指定要解锁的账号或网络地址"))
            return redirect("gongkai_login_locks")
        try:
            unlock(request.user, **{"username" if kind == "account" else "address": key})
        except ServiceError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("您没有解锁的权限"))
        else:
            messages.success(request, f"已解除“{key}”的登录锁定")
        return redirect("gongkai_login_locks")
