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

# 补贴公示: publishing notices, objections and their answers, the year summary.
from gongkai.villages import subsidy_admin  # noqa: E402

hooks.register("register_admin_urls", subsidy_admin.register_urls)
hooks.register("register_admin_menu_item", subsidy_admin.publish_menu)
hooks.register("register_admin_menu_item", subsidy_admin.objection_menu)
hooks.register("register_admin_menu_item", subsidy_admin.summary_menu)
