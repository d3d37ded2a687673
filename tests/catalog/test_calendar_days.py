"""Calendar-day 公开时限 (预算法 Art. 14 "批准后20日内") where they are shown and used: the
catalogue screens print the reading next to the wording, and records filed under such an item are
judged by calendar days."""

import datetime as dt

from django.urls import reverse

from gongkai.catalog.services.catalogues import adopt_areas
from gongkai.core.actors import SYSTEM
from tests.conftest import PASSWORD


def test_the_screens_show_the_calendar_day_reading(client, county, areas, superuser):
    assert client.login(username=superuser.username, password=PASSWORD)
    html = client.get(reverse("standard_areas:inspect", args=[areas["budget"].pk])).content.decode()
    assert "经本级人民代表大会或者其常务委员会批准后20日内" in html and "20日内公开（自然日）" in html
    adopt_areas(SYSTEM, county.dept_a, [areas["budget"]])
    item = county.dept_a.catalogue.items.get(level1="部门预算")
    html = client.get(reverse("catalogue_items:inspect", args=[item.pk])).content.decode()
    assert "20日内公开（自然日）" in html


def test_a_budget_record_is_judged_in_calendar_days(county, areas):
    from gongkai.disclosure.models import Record
    from gongkai.disclosure.selectors import timeliness
    from gongkai.rules.timeliness import Timeliness

    adopt_areas(SYSTEM, county.dept_a, [areas["budget"]])
    item = county.dept_a.catalogue.items.get(level1="部门预算")  # 批复之日起20日内
    record = Record(body=county.dept_a, title="2026年部门预算", formed_date=dt.date(2026, 1, 30))
    record.save()
    record.catalogue_items.set([item])

    def judged(published: dt.date):
        beijing = dt.timezone(dt.timedelta(hours=8))
        record.first_published_at = dt.datetime.combine(published, dt.time(10), tzinfo=beijing)
        return timeliness(record, today=dt.date(2026, 3, 31))

    # approved Friday 30 Jan 2026: day 20 is 19 Feb, in the Spring Festival holiday → due Tuesday 24 Feb
    assert judged(dt.date(2026, 2, 24)) == Timeliness.ON_TIME
    assert judged(dt.date(2026, 2, 25)) == Timeliness.LATE
    # under Art. 26's 20 working days the same record would be on time until 5 March
    record.catalogue_items.set([])
    assert judged(dt.date(2026, 2, 25)) == Timeliness.ON_TIME
    assert judged(dt.date(2026, 3, 5)) == Timeliness.ON_TIME and judged(dt.date(2026, 3, 6)) == Timeliness.LATE
