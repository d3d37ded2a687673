"""A number too large for the database in a URL is "not found", never a server error (issue 13 §9).

Django turns an out-of-range integer in an ORM ``exact`` lookup into an empty result, but not in
``__in`` lookups or raw parameters: Wagtail's choosers read ``?id=<n>&id=<m>`` into ``pk__in`` and
SQLite's driver raises ``OverflowError`` while binding the value (PostgreSQL's raises a DataError
"out of range"). No path converter sees a query string, and those views are Wagtail's, so the
fallback sits here, once, for every view: the request named an object that cannot exist.
"""

from __future__ import annotations

from django.db import DataError
from django.http import Http404


class OutOfRangeNumberMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError) or (
                isinstance(exception, DataError) and "out of range" in str(exception)):
            raise Http404("编号超出范围")
        return None
