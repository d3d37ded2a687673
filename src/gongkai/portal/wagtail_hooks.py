from django.http import Http404
from wagtail import hooks

from gongkai.core import rules


@hooks.register("before_serve_document")
def documents_for_staff_only(document, request):
    """Wagtail's document library is not a public path: nothing published goes through it (records
    serve their attachments from the record page, after the privacy gate), so its files are served
    to signed-in staff only and a guessed /documents/ URL finds nothing."""
    if not rules.can_access_admin(request.user):
        raise Http404
