from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from gongkai.catalog.admin_views import CatalogueItemViewSet, CatalogueViewSet, StandardAreaViewSet
from gongkai.catalog.chooser import catalogue_item_chooser_viewset


class CatalogueGroup(ViewSetGroup):
    menu_label = _("公开目录")
    menu_icon = "list-ul"
    menu_order = 300
    items = (CatalogueViewSet("catalogues"), CatalogueItemViewSet("catalogue_items"),
             StandardAreaViewSet("standard_areas"))


@hooks.register("register_admin_viewset")
def register_viewsets():
    return CatalogueGroup()


@hooks.register("register_admin_viewset")
def register_catalogue_item_chooser():
    return catalogue_item_chooser_viewset
