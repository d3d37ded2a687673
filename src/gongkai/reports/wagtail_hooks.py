from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from gongkai.core import rules
from gongkai.reports import admin_views

urlpatterns = [
    path("", admin_views.report_list, name="list"),
    path("<int:body_id>/<int:year>/", admin_views.report_detail, name="detail"),
    path("<int:body_id>/<int:year>/action/<str:action>/", admin_views.report_action, name="action"),
    path("<int:body_id>/<int:year>/download/<str:fmt>/", admin_views.report_download, name="download"),
    path("summary/<int:county_id>/<int:year>/<str:fmt>/", admin_views.summary_download, name="summary_download"),
]


@hooks.register("register_admin_urls")
def register_urls():
    return [path("annual-reports/", include((urlpatterns, "reports_admin"), namespace="reports_admin"))]


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return rules.can_access_admin(request.user)


@hooks.register("register_admin_menu_item")
def register_menu():
    return ReportMenuItem("政府信息公开年报", reverse("reports_admin:list"), icon_name="table", order=240)
