from wagtail import hooks
from wagtail.snippets.models import register_snippet

from gongkai.disclosure.admin_views import RecordViewSet

register_snippet(RecordViewSet)


# The admin workbench (issue 14 §1, core/workbench.py): records at a review step I decide, records
# sent back to me; for the county office the records in review per body and publication per month.
@hooks.register("gongkai_work_items")
def record_work_items(user, today):
    from django.urls import reverse

    from gongkai.core.workbench import WorkItem, offices_counties
    from gongkai.disclosure import selectors
    from gongkai.disclosure.admin_views import URL_NAMESPACE

    records = reverse(f"{URL_NAMESPACE}:list")
    items = []
    awaiting = selectors.reviews_awaiting(user)
    if awaiting:
        # Wagtail's own panel below the workbench lists them, each with its review actions.
        items.append(WorkItem("reviews_awaiting", "待我审查或审核的政府信息", sum(awaiting.values()),
                              reverse("wagtailadmin_home") + "#awaiting-review", awaiting, order=10))
    sent_back = selectors.sent_back_to(user)
    if sent_back:
        items.append(WorkItem("records_sent_back", "退回我修改的政府信息", sum(sent_back.values()), records,
                              sent_back, order=11))
    for county in offices_counties(user):
        in_review = selectors.reviews_in_county(county)
        items.append(WorkItem("records_in_review", "审查审核中的政府信息", sum(in_review.values()), "",
                              in_review, order=12, oversight=True))
    return items


@hooks.register("gongkai_workbench_charts")
def publication_chart(county, months):
    from gongkai.core.workbench import Chart, Series, month_label, percent
    from gongkai.disclosure.selectors import monthly_publication

    m = monthly_publication(county, months)
    checked = [n - u for n, u in zip(m.published, m.unchecked, strict=True)]
    return Chart("publication", "主动公开：每月发布的政府信息与按时公开率", [month_label(*k) for k in months], [
        Series("发布", m.published), Series("在公开时限内发布", m.on_time),
        Series("按时公开率", [percent(o, n) for o, n in zip(m.on_time, checked, strict=True)], kind="line", unit="%")],
        note="公开时限：所属目录事项规定的时限，未关联目录事项的按条例第二十六条20个工作日；无明确时限的不计入按时公开率。")
