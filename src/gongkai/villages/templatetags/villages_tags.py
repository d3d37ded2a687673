from decimal import Decimal

from django import template

register = template.Library()

_DIGITS = "〇一二三四五六七八九"


@register.filter
def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二 (section numbers of a notice)."""
    n = int(n)
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return (_DIGITS[tens] if tens > 1 else "") + "十" + (_DIGITS[ones] if ones else "")


@register.filter
def cn_date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


@register.filter
def plain_decimal(value) -> str:
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text


@register.filter
def money(value) -> str:
    return f"{Decimal(value or 0):.2f}"
