"""Services for the county website's own settings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from gongkai.core import audit, rules
from gongkai.core.services import ServiceError, require
from gongkai.portal.models import SiteSettings

EDITABLE = ("site_name", "site_code", "icp_number", "police_number", "sponsor", "organizer", "correction_phone",
            "correction_email", "require_staff_two_factor")


@transaction.atomic
def update_site_settings(actor, site_settings: SiteSettings, **changes) -> SiteSettings:
    """Change a county website's identity (name, 政府网站标识码, ICP/公安备案号, 主办/承办, 纠错联系方式)
    and the county's staff two-factor requirement (``require_staff_two_factor``)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown site settings: {sorted(unknown)}")
    county = site_settings.site.root_page.specific.county
    require(rules.can_edit_site_settings(actor, county), "只有本县公开办管理员可以修改网站设置")
    site_settings = SiteSettings.objects.select_for_update().get(pk=site_settings.pk)
    diff = {k: {"old": getattr(site_settings, k), "new": v} for k, v in changes.items() if getattr(site_settings, k) != v}
    if not diff:
        return site_settings
    for field, values in diff.items():
        setattr(site_settings, field, values["new"])
    try:
        site_settings.full_clean()
    except ValidationError as exc:
        raise ServiceError(exc.message_dict) from None
    site_settings.save()
    audit.record("site.settings_updated", actor, site_settings, diff, label=site_settings.display_name, scope=county)
    return site_settings
