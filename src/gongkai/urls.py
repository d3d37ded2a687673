from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from gongkai.core.wagtail_guards import external_link_chooser, set_page_position
from gongkai.portal.sitemaps import SITEMAPS

# Security (issue 13): the self-contained 500 page may keep its inline styles under the CSP.
handler500 = "gongkai.portal.errors.server_error"

urlpatterns = [
    # Before Wagtail's admin: its own views answer 500 to these crafted requests (core/wagtail_guards.py).
    path("admin/pages/<int:page_to_move_id>/set_position/", set_page_position, name="gongkai_set_page_position"),
    path("admin/choose-external-link/", external_link_chooser, name="gongkai_external_link_chooser"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
