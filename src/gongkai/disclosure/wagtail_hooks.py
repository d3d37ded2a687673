from wagtail.snippets.models import register_snippet

from gongkai.disclosure.admin_views import RecordViewSet

register_snippet(RecordViewSet)
