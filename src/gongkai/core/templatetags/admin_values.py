"""How the admin shows a stored value that is no text: yes/no in Chinese, "—" for nothing, JSON
data as JSON (never Python's True/False/None)."""

from __future__ import annotations

import json

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def admin_value(value):
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if value is None or value == "":
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, indent=1, default=str)
    return value
