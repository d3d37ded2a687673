"""The demo county's 村务公开目录: every village adopted, postings with photos, some villages late."""

from __future__ import annotations

import datetime as dt

from freezegun import freeze_time

from gongkai.core.models import Body, BodyKind
from gongkai.demo.loader import load_demo
from gongkai.villages import catalogue_selectors
from gongkai.villages.models import CataloguePosting, PostingPhoto, VillageCatalogue


def test_demo_catalogues(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with freeze_time("2026-11-20 09:00:00+08:00"):
        load_demo(records=False)
        villages = Body.objects.filter(kind=BodyKind.VILLAGE).count()
        assert VillageCatalogue.objects.count() == villages == 60
        postings = CataloguePosting.objects.count()
        assert postings > 300 and PostingPhoto.objects.count() == postings
        county = Body.objects.get(kind=BodyKind.COUNTY)
        overview = catalogue_selectors.county_overview(county, dt.date(2026, 11, 20))
        assert all(s.without_catalogue == 0 for s in overview)
        late_villages = sum(s.late_villages for s in overview)
        assert 0 < late_villages < villages  # some posted on time, some late
        assert sum(s.late_items for s in overview) > late_villages  # some late on several items
        load_demo(records=False)
        assert CataloguePosting.objects.count() == postings
