from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from gongkai.core import rules
from gongkai.core.admin_views import (
    AuditViewSet,
    BodyViewSet,
    CalendarViewSet,
    LoginLocksView,
    MembershipViewSet,
    PersonViewSet,
)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [BodyViewSet("bodies"), PersonViewSet("people"), MembershipViewSet("memberships"),
            CalendarViewSet("calendar"), AuditViewSet("audit")]


# Security (issue 13): two-factor authentication (core/two_factor.py, core/two_factor_views.py)

@hooks.register("register_admin_urls")
def register_two_factor_urls():
    from django.urls import include, path

    from gongkai.core.two_factor_views import urlpatterns

    return [path("two-factor/", include((urlpatterns, "two_factor"), namespace="two_factor"))]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    from django.urls import reverse

    return {"url": reverse("two_factor:manage"), "label": "双因素认证",
            "help_text": "查看双因素认证状态，重新生成恢复码"}


@hooks.register("register_settings_menu_item")
def two_factor_county_settings_item():
    from django.urls import reverse
    from wagtail.admin.menu import MenuItem

    from gongkai.core import rules
    from gongkai.core.two_factor_views import _editable_site_settings

    class CountyTwoFactorMenuItem(MenuItem):
        def is_shown(self, request):  # office admins and operators: cheap check first
            return rules.can_view_audit_log(request.user) and bool(_editable_site_settings(request.user))

    return CountyTwoFactorMenuItem("双因素认证设置", reverse("two_factor:county_settings"), icon_name="key", order=900)


@hooks.register("before_serve_document")
def documents_need_the_second_factor(document, request):
    """Staff-only documents, like the admin, wait for a session's second factor."""
    from gongkai.core import two_factor

    if two_factor.needs_verification(request.user):
        return two_factor.redirect_to_second_factor(request)


# Security (issue 13): login locks screen (office admins unlock accounts of their county).
@hooks.register("register_admin_urls")
def register_login_locks_url():
    return [path("login-locks/", LoginLocksView.as_view(), name="gongkai_login_locks")]


class _LoginLocksMenuItem(MenuItem):
    def is_shown(self, request):
        return rules.can_view_login_locks(request.user)


@hooks.register("register_admin_menu_item")
def register_login_locks_menu_item():
    return _LoginLocksMenuItem("登录锁定", reverse("gongkai_login_locks"), icon_name="lock", order=260)


# Calendar readiness (issue 14 §5): from 1 November, while next year's holiday days are missing,
# the admin home tells whoever can load them (office admins, platform operators).
class CalendarMissingPanel:
    name = "calendar_missing"
    order = 10

    def __init__(self, year: int, today):
        self.year, self.today = year, today

    def render_html(self, parent_context=None):
        from django.template.loader import render_to_string

        return render_to_string("gongkai/admin/calendar_missing_panel.html", {
            "year": self.year, "this_year": self.year == self.today.year,
            "load_url": reverse("calendar:add")})

    @property
    def media(self):
        from django.forms import Media

        return Media()


# The admin home is the workbench (issue 14 §1, core/workbench.py): Wagtail's page summary, page
# search and recent-edits panels mean nothing to a county's officers and go; the two workflow panels
# (records awaiting my review, my records in review) stay below it, since they list the records
# with their actions. The calendar notice above is part of the workbench, first.
KEPT_WAGTAIL_PANELS = ("WorkflowObjectsToModeratePanel", "UserObjectsInWorkflowModerationPanel")


@hooks.register("construct_homepage_panels")
def workbench_home(request, panels):
    from django.utils import timezone

    from gongkai.core.services.calendar import awaited_year
    from gongkai.core.workbench import WorkbenchPanel

    today = timezone.localdate()
    notices = []
    if rules.can_load_calendar(request.user):
        year = awaited_year()
        if year is not None:
            notices.append(CalendarMissingPanel(year, today))
    kept = [p for p in panels if type(p).__name__ in KEPT_WAGTAIL_PANELS]
    panels[:] = [WorkbenchPanel(request, today, notices), *kept]


@hooks.register("construct_homepage_summary_items")
def no_page_summary(request, items):
    items.clear()
