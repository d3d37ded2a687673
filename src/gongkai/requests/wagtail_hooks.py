from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from gongkai.core import rules
from gongkai.requests import admin_views, intake_views

urlpatterns = [
    path("", admin_views.case_list, name="list"),
    path("register/", intake_views.case_register, name="register"),
    path("<int:pk>/", admin_views.case_detail, name="detail"),
    path("<int:pk>/action/<str:action>/", admin_views.case_action, name="action"),
    path("<int:pk>/reviews/", admin_views.review_save, name="review_add"),
    path("<int:pk>/reviews/<int:review_id>/", admin_views.review_save, name="review_update"),
    path("<int:pk>/publication/", admin_views.case_publication, name="publication"),
    path("<int:pk>/letters/", admin_views.letter_generate, name="letter_generate"),
    path("<int:pk>/letters/<int:letter_id>/", admin_views.letter_download, name="letter_download"),
    path("<int:pk>/id-document/", admin_views.id_document_download, name="id_document"),
    path("<int:pk>/letters/<int:letter_id>/sent/", admin_views.letter_sent, name="letter_sent"),
    path("<int:pk>/letters/<int:letter_id>/correct/", admin_views.letter_correct, name="letter_correct"),
    path("letter-templates/", admin_views.letter_templates, name="letter_templates"),
    path("letter-templates/<str:kind>.docx", admin_views.letter_template_download, name="letter_template_download"),
    path("proactive/", admin_views.proactive_list, name="proactive"),
    path("proactive/<int:pk>/", admin_views.proactive_decide, name="proactive_decide"),
]


@hooks.register("register_admin_urls")
def register_urls():
    return [path("requests/", include((urlpatterns, "requests_admin"), namespace="requests_admin"))]


class CaseMenuItem(MenuItem):
    def is_shown(self, request):
        return rules.can_view_cases(request.user)


class TemplateMenuItem(MenuItem):
    def is_shown(self, request):
        from gongkai.core.models import Membership, Role

        return rules.is_platform_operator(request.user) or Membership.objects.filter(
            user=request.user, role=Role.OFFICE_ADMIN).exists()


@hooks.register("register_admin_menu_item")
def register_menu():
    return CaseMenuItem("依申请公开", reverse("requests_admin:list"), icon_name="mail", order=230)


@hooks.register("register_admin_menu_item")
def register_template_menu():
    return TemplateMenuItem("依申请公开文书模板", reverse("requests_admin:letter_templates"), icon_name="doc-full",
                            order=231)


class ProactiveMenuItem(MenuItem):
    def is_shown(self, request):
        from gongkai.core.models import Membership, Role

        return rules.is_platform_operator(request.user) or Membership.objects.filter(
            user=request.user, role__in=[Role.INFO_OFFICER, Role.REQUEST_HANDLER, Role.APPROVING_LEADER,
                                         Role.OFFICE_ADMIN]).exists()


@hooks.register("register_admin_menu_item")
def register_proactive_menu():
    return ProactiveMenuItem("纳入主动公开建议", reverse("requests_admin:proactive"), icon_name="resubmit", order=232)


# The admin workbench (issue 14 §1, core/workbench.py): the handler's cases by clock status and
# state, and letters waiting to be recorded as sent; for the county office, cases per month.
@hooks.register("gongkai_work_items")
def case_work_items(user, today):
    from gongkai.core.selectors import work_calendar
    from gongkai.core.workbench import WorkItem
    from gongkai.requests import selectors
    from gongkai.rules.case_flow import CaseState

    if not rules.can_view_cases(user):
        return []
    cases = selectors.handled_cases(user)
    cal = work_calendar()
    case_list = reverse("requests_admin:list")
    items = []
    for order, (key, label, qs, query) in enumerate([
        ("cases_overdue", "依申请公开：已超期", selectors.filter_status(cases, "overdue", today, cal), "status=overdue"),
        ("cases_due_soon", "依申请公开：3个工作日内到期", selectors.filter_status(cases, "due_soon", today, cal),
         "status=due_soon"),
        ("cases_correction", "依申请公开：等待申请人补正", cases.filter(state=CaseState.CORRECTION_REQUESTED),
         f"state={CaseState.CORRECTION_REQUESTED}"),
        ("cases_consultation", "依申请公开：征求第三方意见中", cases.filter(state=CaseState.CONSULTATION),
         f"state={CaseState.CONSULTATION}"),
        ("letters_unsent", "文书已生成未送达", selectors.unsent_letters(cases), "letters=unsent"),
    ]):
        per_body = selectors.counts_by_body(qs)
        items.append(WorkItem(key, label, sum(per_body.values()), f"{case_list}?{query}", per_body, order=20 + order))
    return items


@hooks.register("gongkai_workbench_charts")
def case_chart(county, months):
    from gongkai.core.workbench import Chart, Series, month_label, percent
    from gongkai.requests.selectors import monthly_cases

    m = monthly_cases(county, months)
    return Chart("cases", "依申请公开：每月收到与答复的申请，超期答复率", [month_label(*k) for k in months], [
        Series("收到申请", m.received), Series("答复（办结）", m.answered),
        Series("超期答复率", [percent(late, n) for late, n in zip(m.answered_late, m.answered, strict=True)],
               kind="line", unit="%")],
        note="超期答复率：当月答复的申请中，晚于答复期限答复的比例。")
