"""Gongkai (公开): government information disclosure for a county, its townships and villages."""

__version__ = "0.1.0"
