from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from gongkai.core import rules
from gongkai.requests import admin_views

urlpatterns = [
    path("", admin_views.case_list, name="list"),
    path("<int:pk>/", admin_views.case_detail, name="detail"),
    path("<int:pk>/action/<str:action>/", admin_views.case_action, name="action"),
    path("<int:pk>/publication/", admin_views.case_publication, name="publication"),
]


@hooks.register("register_admin_urls")
def register_urls():
    return [path("requests/", include((urlpatterns, "requests_admin"), namespace="requests_admin"))]


class CaseMenuItem(MenuItem):
    def is_shown(self, request):
        return rules.can_access_admin(request.user)


@hooks.register("register_admin_menu_item")
def register_menu():
    return CaseMenuItem("依申请公开", reverse("requests_admin:list"), icon_name="mail", order=230)
