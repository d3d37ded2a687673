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
    path("<int:body_id>/<int:year>/import/", admin_views.report_import, name="import"),
    path("summary/<int:county_id>/<int:year>/<str:fmt>/", admin_views.summary_download, name="summary_download"),
]


@hooks.register("register_admin_urls")
def register_urls():
    return [path("annual-reports/", include((urlpatterns, "reports_admin"), namespace="reports_admin"))]


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return rules.can_use_annual_reports(request.user)


@hooks.register("register_admin_menu_item")
def register_menu():
    return ReportMenuItem("政府信息公开年报", reverse("reports_admin:list"), icon_name="table", order=240)


# The admin workbench (issue 14 §1, core/workbench.py): last year's reports still to publish, before
# and after their 条例第四十九条 deadline.
@hooks.register("gongkai_work_items")
def report_work_items(user, today):
    from collections import Counter

    from gongkai.core.workbench import WorkItem
    from gongkai.reports.selectors import actionable_reports

    year = today.year - 1
    rows = [r for r in actionable_reports(user, year, today) if r.state != "published"]
    url = f"{reverse('reports_admin:list')}?year={year}"
    late = Counter(r.body.pk for r in rows if r.late)
    due = Counter(r.body.pk for r in rows if not r.late)
    return [WorkItem("reports_late", f"{year}年度报告：逾期未发布", sum(late.values()), url, dict(late), order=60),
            WorkItem("reports_due", f"{year}年度报告：待发布", sum(due.values()), url, dict(due), order=61)]
