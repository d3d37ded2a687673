from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from gongkai.villages import import_admin, import_jobs

import_urlpatterns = [
    path("", import_admin.job_list, name="list"),
    path("<int:pk>/", import_admin.job_detail, name="job"),
    path("<int:pk>/rejects/", import_admin.job_rejects, name="rejects"),
]


@hooks.register("register_admin_urls")
def register_import_urls():
    return [path("villages/imports/", include((import_urlpatterns, "villages_imports"), namespace="villages_imports"))]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(import_jobs.import_scopes(request.user))


@hooks.register("register_admin_menu_item")
def register_import_menu():
    return ImportMenuItem(_("发放名单导入"), reverse("villages_imports:list"), icon_name="upload", order=260)


# 村务公开目录 (village catalogues): the clerk's posting form, township and county dashboards.
from gongkai.villages import catalogue_admin  # noqa: E402

hooks.register("register_admin_urls", catalogue_admin.register_urls)
hooks.register("register_admin_menu_item", catalogue_admin.register_menu)


# The admin workbench (issue 14 §1, core/workbench.py): late 村务公开 items, objections waiting for
# the township's answer, failed payout imports; for the county office, posting punctuality per month.
@hooks.register("gongkai_work_items")
def village_work_items(user, today):
    from gongkai.core.models import BodyKind
    from gongkai.core.workbench import WorkItem
    from gongkai.villages import catalogue_selectors, selectors

    items = []
    for late in catalogue_selectors.late_items_for(user, today):
        kind = {BodyKind.COUNTY: "county", BodyKind.TOWNSHIP: "township"}.get(late.scope.kind, "village")
        items.append(WorkItem(f"village_late_{late.scope.pk}", f"村务公开逾期未公开事项（{late.scope.name}）",
                              sum(late.per_body.values()), reverse(f"villages_catalogue:{kind}", args=[late.scope.pk]),
                              late.per_body if kind == "county" else {}, order=50))
    objections = selectors.pending_objections(user)
    items.append(WorkItem("objections_pending", "补贴公示异议待答复", sum(objections.values()),
                          reverse("villages_subsidy:objections"), objections, order=52))
    failed = selectors.failed_imports(user)
    items.append(WorkItem("imports_failed", "发放名单导入失败待重新导入", sum(failed.values()),
                          reverse("villages_imports:list"), failed, order=53))
    return items


@hooks.register("gongkai_workbench_charts")
def posting_chart(county, months):
    from gongkai.core.workbench import Chart, Series, month_label, percent
    from gongkai.villages.catalogue_selectors import monthly_posting_punctuality

    m = monthly_posting_punctuality(county, months)
    return Chart("village_postings", "村务公开：每月到期的张贴与按期张贴率", [month_label(*k) for k in months], [
        Series("到期期次已张贴", m.posted), Series("按期张贴", m.on_time),
        Series("按期张贴率", [percent(o, n) for o, n in zip(m.on_time, m.posted, strict=True)], kind="line", unit="%")],
        note="按各期次的公开期限（月度次月10日、季度次月15日、年度次年1月31日）所在月份统计；尚未张贴的期次见逾期未公开事项。")


# 补贴公示: publishing notices, objections and their answers, the year summary.
from gongkai.villages import subsidy_admin  # noqa: E402

hooks.register("register_admin_urls", subsidy_admin.register_urls)
hooks.register("register_admin_menu_item", subsidy_admin.publish_menu)
hooks.register("register_admin_menu_item", subsidy_admin.objection_menu)
hooks.register("register_admin_menu_item", subsidy_admin.summary_menu)
