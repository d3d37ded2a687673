from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from gongkai.core import rules
from gongkai.privacy import admin_views

urlpatterns = [
    path("records/<int:pk>/", admin_views.record_check, name="record"),
    path("sweeps/", admin_views.sweep_list, name="sweeps"),
    path("sweeps/<int:pk>/", admin_views.sweep_detail, name="sweep"),
    path("sweeps/<int:pk>/xlsx/", admin_views.sweep_xlsx, name="sweep_xlsx"),
    path("rectifications/", admin_views.rectification_list, name="rectifications"),
    path("rectifications/<int:pk>/close/", admin_views.rectification_close, name="rectification_close"),
]


@hooks.register("register_admin_urls")
def register_urls():
    return [path("privacy/", include((urlpatterns, "privacy_admin"), namespace="privacy_admin"))]


class SweepMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(admin_views._counties(request.user))


class RectificationMenuItem(MenuItem):
    def is_shown(self, request):
        return rules.can_access_admin(request.user)


@hooks.register("register_admin_menu_item")
def register_sweep_menu():
    return SweepMenuItem(_("存量排查"), reverse("privacy_admin:sweeps"), icon_name="warning", order=240)


@hooks.register("register_admin_menu_item")
def register_rectification_menu():
    return RectificationMenuItem(_("整改事项"), reverse("privacy_admin:rectifications"), icon_name="tasks", order=241)


@hooks.register("gongkai_record_buttons")
def privacy_check_button(user, record):
    if not rules.can_view_body(user, record.body):
        return []
    return [Button(_("隐私检查"), url=reverse("privacy_admin:record", args=[record.pk]), icon_name="warning",
                   priority=35)]


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("gongkai.privacy_exception", _("登记隐私检查例外"), _("登记隐私检查例外"))
    actions.register_action("gongkai.privacy_masked", _("遮盖个人信息"), _("遮盖个人信息"))


# The admin workbench (issue 14 §1, core/workbench.py): sweep findings still to handle.
@hooks.register("gongkai_work_items")
def finding_work_items(user, today):
    from gongkai.core.workbench import WorkItem
    from gongkai.privacy.selectors import open_findings

    found = open_findings(user)
    url = reverse("privacy_admin:sweep", args=[found.sweep_id]) if found.sweep_id else ""
    return [WorkItem("privacy_findings", "存量排查发现的个人信息待处理", sum(found.per_body.values()), url,
                     found.per_body, order=40)]
