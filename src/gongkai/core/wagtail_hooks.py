from wagtail import hooks

from gongkai.core.admin_views import (
    AuditViewSet,
    BodyViewSet,
    CalendarViewSet,
    MembershipViewSet,
    PersonViewSet,
)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [BodyViewSet("bodies"), PersonViewSet("people"), MembershipViewSet("memberships"),
            CalendarViewSet("calendar"), AuditViewSet("audit")]
