"""sitemap.xml: the site's pages (Wagtail) and every published record of the county."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap as DjangoSitemap
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap as PageSitemap
from wagtail.models import Site


class RecordSitemap(PageSitemap):
    """Published records, linked on the site's 法定主动公开内容 column. Subclassing Wagtail's page
    sitemap lets the view hand it the request, so URLs are absolute for this site."""

    limit = 5000

    def _column(self):
        from gongkai.portal.models import ProactiveIndexPage

        if not hasattr(self, "_cached_column"):
            site = Site.find_for_request(self.request) if self.request else None
            self._cached_column = (
                ProactiveIndexPage.objects.descendant_of(site.root_page).live().first() if site else None
            )
        return self._cached_column

    def items(self):
        from gongkai.disclosure.selectors import public_records

        column = self._column()
        if column is None or column.county is None:
            return []
        return public_records(column.county).only("pk", "last_published_at", "body_id")

    def location(self, obj):
        return self._column().record_path(obj)  # the generator adds scheme and host

    def lastmod(self, obj):
        return obj.last_published_at

    def get_latest_lastmod(self):
        return None

    def _urls(self, page, protocol, domain):
        # Records are not pages: use Django's generator, not Wagtail's get_sitemap_urls().
        return DjangoSitemap._urls(self, page, protocol, domain)


SITEMAPS = {"pages": PageSitemap, "records": RecordSitemap}
