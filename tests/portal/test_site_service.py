import pytest
from django.core.exceptions import PermissionDenied

from gongkai.core.models import AuditEvent, Role
from gongkai.core.services import ServiceError
from gongkai.portal.models import SiteSettings
from gongkai.portal.services.site import update_site_settings
from gongkai.portal.setup import ensure_county_site


@pytest.fixture
def site_settings(county):
    home = ensure_county_site(county.county)
    return SiteSettings.objects.get(site__root_page=home)


def test_office_admin_sets_the_identifiers(site_settings, office_admin):
    update_site_settings(office_admin, site_settings, site_code="9901010001", icp_number="青ICP备1号")
    site_settings.refresh_from_db()
    assert site_settings.site_code == "9901010001"
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.event_type == "site.settings_updated" and event.data["site_code"]["new"] == "9901010001"


def test_others_may_not_and_bad_codes_are_refused(site_settings, county, make_user, office_admin):
    with pytest.raises(PermissionDenied):
        update_site_settings(make_user(Role.INFO_OFFICER, county.county), site_settings, site_code="9901010001")
    with pytest.raises(ServiceError):
        update_site_settings(office_admin, site_settings, site_code="<script>")
    site_settings.refresh_from_db()
    assert site_settings.site_code == ""
