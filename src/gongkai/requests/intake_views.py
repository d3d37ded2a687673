"""登记申请: staff record an application that reached their body in person, by post, by ordinary
letter, by fax or online elsewhere (条例第三十一条; ``services.cases.register``). Applications made
on the portal's own form are registered when submitted and need no recording here.

The view parses the form and calls the service; permission (``can_handle_case`` for the chosen
body) and every rule are the service's. After a successful POST it redirects to the case screen,
which shows the query code to hand to the applicant.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from gongkai.core import rules
from gongkai.core.models import Body, BodyKind
from gongkai.core.services import ServiceError
from gongkai.requests.forms import RADIO_FIELDS, IntakeForm
from gongkai.requests.services.cases import register

INTAKE_KINDS = (BodyKind.COUNTY, BodyKind.DEPARTMENT, BodyKind.TOWNSHIP)


def intake_bodies(user) -> list[Body]:
    """The bodies whose applications ``user`` may register, in tree order."""
    candidates = Body.objects.filter(kind__in=INTAKE_KINDS, is_active=True, code__isnull=False).order_by("path")
    return [body for body in candidates if rules.can_handle_case(user, body)]


def case_register(request):
    bodies = intake_bodies(request.user) if rules.can_access_admin(request.user) else []
    if not bodies:
        raise PermissionDenied
    if request.method == "POST":
        form = IntakeForm(request.POST, request.FILES, bodies=bodies)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = register(
                    request.user, body=form.bodies[data["body"]], channel=data["channel"],
                    arrived_at=data["arrived_at"], confirmed_on=data.get("confirmed_on"),
                    applicant_type=form.applicant_type, subject=data["subject"], description=data["description"],
                    preferred_form=data["preferred_form"], delivery_method=data["delivery_method"],
                    applicant=form.applicant(), id_document=data.get("id_document"))
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or "您无权登记向该机关提出的政府信息公开申请")
            except ServiceError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"已登记，查询码 {case.query_code}，请告知申请人")
                return redirect("requests_admin:detail", pk=case.pk)
        status = 400
    else:
        initial = {"arrived_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
        if len(bodies) == 1:
            initial["body"] = bodies[0].code
        form = IntakeForm(bodies=bodies, initial=initial)
        status = 200
    form.describe()
    return TemplateResponse(request, "requests/admin/case_register.html",
                            {"form": form, "radio_fields": RADIO_FIELDS}, status=status)
