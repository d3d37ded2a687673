"""Admin screens for two-factor authentication: enrolment (QR code and key), verification at
sign-in, the recovery codes (shown once), the user's own 双因素认证 page, an office admin's reset
of another staff member, and the county's switch for all staff. Views read and call
``gongkai.core.services.two_factor`` (or ``update_site_settings``); they never write models."""

from __future__ import annotations

from base64 import b32encode

import django_otp
import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticToken

from gongkai.core import rules, two_factor
from gongkai.core.services import ServiceError
from gongkai.core.services import two_factor as services

SESSION_CODES = "gongkai_recovery_codes"
SESSION_NEXT = "gongkai_two_factor_next"


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_("验证码"), max_length=services.MAX_TOKEN_LENGTH, strip=True,
        error_messages={"required": _("请输入验证码")},
        help_text=_("验证器应用中显示的 6 位数字"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autocapitalize": "off", "spellcheck": "false"}),
    )


class RecoveryCodeForm(forms.Form):
    token = forms.CharField(
        label=_("恢复码"), max_length=services.MAX_TOKEN_LENGTH, strip=True,
        error_messages={"required": _("请输入恢复码")},
        help_text=_("启用双因素认证时打印或保存的 8 位恢复码，每个只能使用一次"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}),
    )


def _next(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return reverse("wagtailadmin_home")


def _add_errors(form, exc: ServiceError) -> None:
    for message in exc.messages:
        form.add_error("token", message)


def _qr_svg(url: str) -> str:
    """The otpauth:// URL as an inline SVG (dark modules on a white quiet zone, for every theme)."""
    svg = segno.make(url, error="m").svg_inline(scale=5, dark="#000", light="#fff", svgclass="gongkai-qr", omitsize=True)
    return svg.replace("<svg ", '<svg role="img" aria-label="{}" '.format("双因素认证绑定二维码"), 1)


def _grouped(text: str, size: int = 4) -> str:
    return " ".join(text[i:i + size] for i in range(0, len(text), size))


@require_http_methods(["GET", "POST"])
def enrol(request):
    """First step for a user without a device: scan the QR code (or type the key), confirm with
    a code; then the recovery codes are shown once."""
    user = request.user
    if two_factor.has_two_factor(user):
        if two_factor.is_verified(user):
            return redirect("two_factor:manage")
        return redirect(f"{reverse('two_factor:verify')}?{request.GET.urlencode()}")
    device = services.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.confirm_enrolment(user, form.cleaned_data["token"])
        except ServiceError as exc:
            _add_errors(form, exc)
        else:
            django_otp.login(request, device)
            request.session[SESSION_CODES] = codes
            request.session[SESSION_NEXT] = _next(request)
            return redirect("two_factor:recovery_codes")
    return TemplateResponse(request, "core/two_factor/enrol.html", {
        "form": form, "next": _next(request), "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 (segno's SVG)
        "secret": _grouped(b32encode(device.bin_key).decode("ascii")),
        "required": two_factor.required_for(user),
    }, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def verify(request):
    """Second step of every sign-in for a user with a device: a code of the app or a recovery code."""
    user = request.user
    if not two_factor.has_two_factor(user):
        return redirect(f"{reverse('two_factor:enrol')}?{request.GET.urlencode()}")
    if two_factor.is_verified(user):
        return redirect(_next(request))
    use_recovery = request.POST.get("method") == "recovery"
    form = CodeForm(request.POST if request.method == "POST" and not use_recovery else None)
    recovery_form = RecoveryCodeForm(request.POST if request.method == "POST" and use_recovery else None,
                                     prefix="recovery")
    bound = recovery_form if use_recovery else form
    if request.method == "POST" and bound.is_valid():
        try:
            result = services.verify(user, bound.cleaned_data["token"])
        except ServiceError as exc:
            _add_errors(bound, exc)
        else:
            django_otp.login(request, result.device)
            if result.recovery_codes_left is not None:
                left = result.recovery_codes_left
                message = f"已使用一个恢复码，还剩 {left} 个。"
                if left <= 3:
                    message += "恢复码即将用完，请在“双因素认证”页面重新生成。"
                messages.warning(request, message)
            return redirect(_next(request))
    return TemplateResponse(request, "core/two_factor/verify.html", {
        "form": form, "recovery_form": recovery_form, "next": _next(request), "use_recovery": use_recovery,
    }, status=400 if bound.errors else 200)


def recovery_codes(request):
    """The recovery codes just issued, once: they are taken out of the session as they are shown."""
    codes = request.session.pop(SESSION_CODES, None)
    next_url = request.session.pop(SESSION_NEXT, None) or reverse("two_factor:manage")
    if not codes:
        messages.info(request, "恢复码只显示一次。如已遗失，请重新生成一组新的恢复码。")
        return redirect("two_factor:manage")
    response = TemplateResponse(request, "core/two_factor/recovery_codes.html", {"codes": codes, "next": next_url})
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def manage(request):
    """The user's own 双因素认证 page: status, recovery codes left, new recovery codes."""
    user = request.user
    enabled = two_factor.has_two_factor(user)
    if request.method == "POST":
        try:
            codes = services.regenerate_recovery_codes(user, user)
        except ServiceError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            request.session[SESSION_CODES] = codes
            request.session[SESSION_NEXT] = reverse("two_factor:manage")
            return redirect("two_factor:recovery_codes")
    return TemplateResponse(request, "core/two_factor/manage.html", {
        "enabled": enabled, "required": two_factor.required_for(user),
        "codes_left": StaticToken.objects.filter(device__user=user, device__confirmed=True).count(),
        "enforced": two_factor.enforced(),
    })


@require_http_methods(["GET", "POST"])
def reset(request, pk: int):
    """An office admin removes a staff member's devices (confirmation page, then POST)."""
    from gongkai.core.admin_views import PersonPolicy

    User = get_user_model()
    person = get_object_or_404(User, pk=pk)
    if not PersonPolicy(User).visible(request.user).filter(pk=person.pk).exists():
        raise Http404
    bodies = [m.body for m in person.memberships.select_related("body")]
    if not rules.can_reset_two_factor(request.user, person, bodies):
        raise PermissionDenied
    inspect_url = reverse("people:inspect", args=[person.pk])
    if request.method == "POST":
        try:
            services.reset_two_factor(request.user, person)
        except ServiceError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"已重置“{person.get_full_name() or person.get_username()}”的双因素认证，"
                                      "其下次登录时须重新绑定验证器应用")
        return redirect(inspect_url)
    return TemplateResponse(request, "core/two_factor/reset_confirm.html", {
        "person": person, "enabled": two_factor.has_two_factor(person), "inspect_url": inspect_url,
    })


class CountySwitchForm(forms.Form):
    site_settings = forms.IntegerField(widget=forms.HiddenInput)
    require_staff_two_factor = forms.BooleanField(label=_("所有工作人员须启用双因素认证"), required=False)


def _editable_site_settings(user) -> list:
    from gongkai.portal.models import HomePage, SiteSettings

    items = list(SiteSettings.objects.select_related("site").order_by("pk"))
    homes = HomePage.objects.filter(pk__in=[item.site.root_page_id for item in items]).select_related("county")
    county_of = {home.pk: home.county for home in homes}
    rows = []
    for item in items:
        county = county_of.get(item.site.root_page_id)
        if county is not None and rules.can_edit_site_settings(user, county):
            rows.append((item, county))
    return rows


@require_http_methods(["GET", "POST"])
def county_settings(request):
    """双因素认证设置: whether every staff member of the county must use two factors."""
    from gongkai.portal.services.site import update_site_settings

    rows = _editable_site_settings(request.user)
    if not rows:
        raise PermissionDenied
    if request.method == "POST":
        form = CountySwitchForm(request.POST)
        chosen = None
        if form.is_valid():
            chosen = next((item for item, _county in rows if item.pk == form.cleaned_data["site_settings"]), None)
        if chosen is None:
            messages.error(request, "请选择要设置的县（市、区）网站")
        else:
            try:
                update_site_settings(request.user, chosen,
                                     require_staff_two_factor=form.cleaned_data["require_staff_two_factor"])
            except ServiceError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, "已保存双因素认证设置")
        return redirect("two_factor:county_settings")
    forms_ = [(county, CountySwitchForm(initial={"site_settings": item.pk,
                                                   "require_staff_two_factor": item.require_staff_two_factor},
                                          auto_id=f"s{item.pk}_%s")) for item, county in rows]
    return TemplateResponse(request, "core/two_factor/county_settings.html", {"rows": forms_})


def status_label(person) -> str:
    """双因素认证 status of a person, for the people screens."""
    if not two_factor.has_two_factor(person):
        return format_html("{}", "未启用")
    left = StaticToken.objects.filter(device__user=person, device__confirmed=True).count()
    return format_html("已启用（剩余恢复码 {} 个）", left)


urlpatterns = [
    path("enrol/", enrol, name="enrol"),
    path("verify/", verify, name="verify"),
    path("recovery-codes/", recovery_codes, name="recovery_codes"),
    path("", manage, name="manage"),
    path("reset/<int:pk>/", reset, name="reset"),
    path("county/", county_settings, name="county_settings"),
]
