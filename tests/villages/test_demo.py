"""The demo county's subsidy data: payouts everywhere, one open notice with an objection, one archived."""

from __future__ import annotations

from gongkai.demo.loader import load_demo
from gongkai.villages.models import Notice, NoticeStatus, Objection, Payout


def test_demo_subsidies(db):
    load_demo(records=False)
    assert Payout.objects.order_by().values("village").distinct().count() == 60
    assert Payout.objects.order_by().values("programme").distinct().count() == 3
    assert Notice.objects.filter(status=NoticeStatus.OPEN).exists()
    assert Notice.objects.filter(status=NoticeStatus.ARCHIVED).exists()
    assert Objection.objects.count() == 1
    count = Payout.objects.count()
    load_demo(records=False)
    assert Payout.objects.count() == count
