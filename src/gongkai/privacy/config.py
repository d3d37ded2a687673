"""Settings of a privacy scan: mask policy, landline allow-list, sensitive-word list. Pure.

Administrator lists are plain UTF-8 text files, one entry per line, ``#`` starts a comment. They are
read only when configured (``--words FILE`` / ``--allow-landlines FILE`` on the command line, or the
environment variables below), so a scan for personal data needs neither a database nor Django.

Environment variables (``PrivacyConfig.from_env``):

- ``GONGKAI_PRIVACY_WORDS``: path of the sensitive-word list.
- ``GONGKAI_PRIVACY_ALLOW_LANDLINES``: path of the allow-list of published office numbers.
- ``GONGKAI_PRIVACY_MASK``: mask policy, e.g. ``id_card=6+4,mobile=3+4,bank_card=0+4``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from gongkai.privacy.findings import Kind


class ConfigError(ValueError):
    """A bad setting; the message is fit to show a user."""


@dataclass(frozen=True)
class MaskPolicy:
    """How many characters stay visible at the head and tail of each kind (domain facts §6.2).

    Defaults follow the strictest local rules seen: ID numbers keep the 6-digit address code and the
    last 4 (the birth date, positions 7–14, never shows, whatever the policy says); mobile numbers
    keep 3 + 4 (``138****5678``); bank accounts only the last 4 (INFERRED, no national rule); a
    landline keeps its area code and last 4. Masks keep the length: each hidden character becomes
    ``mask_char``, spaces and hyphens stay where they were."""

    id_card: tuple[int, int] = (6, 4)
    mobile: tuple[int, int] = (3, 4)
    bank_card: tuple[int, int] = (0, 4)
    landline: tuple[int, int] = (4, 4)
    mask_char: str = "*"

    @classmethod
    def parse(cls, spec: str) -> MaskPolicy:
        """``id_card=6+4,mobile=3+4,bank_card=0+4,landline=4+4``; missing kinds keep the default."""
        values: dict[str, tuple[int, int]] = {}
        for item in filter(None, (s.strip() for s in spec.split(","))):
            name, _, keep = item.partition("=")
            head, plus, tail = keep.partition("+")
            if name not in ("id_card", "mobile", "bank_card", "landline") or not plus:
                raise ConfigError(f"脱敏规则“{item}”无法识别，应写作 id_card=6+4、mobile=3+4、bank_card=0+4")
            try:
                values[name] = (int(head), int(tail))
            except ValueError:
                raise ConfigError(f"脱敏规则“{item}”中保留位数应为整数") from None
            if min(values[name]) < 0:
                raise ConfigError(f"脱敏规则“{item}”中保留位数不能为负")
        return replace(cls(), **values)


def normalize_phone(value: str) -> str:
    """Digits only, full-width digits folded: how allow-list entries and landlines are compared."""
    digits = "".join(ch for ch in value.translate(_FULLWIDTH) if ch.isascii() and ch.isdigit())
    return digits


_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class PrivacyConfig:
    """Everything a scan depends on besides the text.

    ``landline_allow``: normalised digits of published office numbers (with and without area code)
    that are not reported. ``sensitive_words``: the administrator's list (matched with
    Aho-Corasick, leftmost-longest). ``kinds``: the kinds to report. ``today``: upper bound for
    birth dates in ID numbers (``None`` = the current date)."""

    mask: MaskPolicy = field(default_factory=MaskPolicy)
    landline_allow: frozenset[str] = frozenset()
    sensitive_words: tuple[str, ...] = ()
    kinds: frozenset[Kind] = frozenset(Kind)
    today: dt.date | None = None

    @classmethod
    def build(cls, *, words: Iterable[str] = (), allow_landlines: Iterable[str] = (),
              mask: MaskPolicy | None = None, kinds: Iterable[Kind] | None = None,
              today: dt.date | None = None) -> PrivacyConfig:
        allow: set[str] = set()
        for entry in allow_landlines:
            digits = normalize_phone(entry)
            if len(digits) >= 5:
                allow.add(digits)
        clean_words = tuple(dict.fromkeys(w.strip() for w in words if w.strip()))
        return cls(mask=mask or MaskPolicy(), landline_allow=frozenset(allow), sensitive_words=clean_words,
                   kinds=frozenset(kinds) if kinds is not None else frozenset(Kind), today=today)

    @classmethod
    def from_files(cls, *, words: str | os.PathLike | None = None,
                   allow_landlines: str | os.PathLike | None = None, mask: str | None = None,
                   kinds: Iterable[Kind] | None = None) -> PrivacyConfig:
        return cls.build(words=read_list(words) if words else (),
                         allow_landlines=read_list(allow_landlines) if allow_landlines else (),
                         mask=MaskPolicy.parse(mask) if mask else None, kinds=kinds)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> PrivacyConfig:
        """Read the ``GONGKAI_PRIVACY_*`` variables; keyword ``overrides`` (from command-line
        options) win over the environment."""
        env = os.environ if environ is None else environ
        options = {"words": env.get("GONGKAI_PRIVACY_WORDS") or None,
                   "allow_landlines": env.get("GONGKAI_PRIVACY_ALLOW_LANDLINES") or None,
                   "mask": env.get("GONGKAI_PRIVACY_MASK") or None}
        options.update({k: v for k, v in overrides.items() if v is not None})
        return cls.from_files(**options)


def read_list(path: str | os.PathLike) -> list[str]:
    """One entry per line, UTF-8 (GB18030 accepted), blank lines and ``#`` comments ignored."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"无法读取名单文件 {path}：{exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise ConfigError(f"名单文件 {path} 既不是 UTF-8 也不是 GBK 编码") from None
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


DEFAULT_CONFIG = PrivacyConfig()
