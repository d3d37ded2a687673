"""The 500 page. It is self-contained (its styles inline, no static file, no request context)
because it is shown when something has already failed; so it alone, among public pages, gets
``'unsafe-inline'`` for styles in its Content-Security-Policy. It holds no user content."""

from __future__ import annotations

from csp.decorators import csp_update
from django.views import defaults


@csp_update({"style-src": ["'unsafe-inline'"]})
def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    return defaults.server_error(request, template_name)
