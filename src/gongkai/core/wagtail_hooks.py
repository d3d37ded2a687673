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
