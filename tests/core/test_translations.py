"""The project's zh_Hans overlay on Wagtail's admin catalogues (src/gongkai/locale).

Wagtail 7.4 ships its zh_Hans catalogue only ~72% translated; the overlay fills the gaps and rewords
a few upstream terms. These tests pin the strings officials see first, keep the compiled .mo in step
with the .po, and make sure no translation drops or invents a placeholder or a piece of markup.
"""

import gettext
import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from django.utils import translation

import gongkai

LC_MESSAGES = Path(gongkai.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
DOMAINS = ["django", "djangojs"]

# What an official meets on the login page, in the main menu and in every listing.
ADMIN_STRINGS = [
    "Username",
    "Password",
    "Enter password",
    "Enter your %(username_field_name)s",
    "Sign in",
    "Sign in to Wagtail",
    "Forgotten password?",
    "Remember me",
    "Dashboard",
    "Pages",
    "Images",
    "Documents",
    "Snippets",
    "Settings",
    "Users",
    "Groups",
    "Sites",
    "Reports",
    "Help",
    "Account",
    "Log out",
    "Edit",
    "Edit %(model_name)s",
    "Add %(model_name)s",
    "Inspect",
    "Search",
    "Filter",
    "Apply filters",
    "Save draft",
    "Publish",
    "Schedule to publish",
    "Privacy",
]

# Upstream wording we deliberately replaced.
REWORDED = {
    "Sign in to Wagtail": "登录政务公开管理后台",
    "Enter password": "请输入密码",
    "Inspect": "查看",
    "Filter": "筛选",
    "Apply filters": "应用筛选",
    "Log out": "退出登录",
    "Privacy": "隐私设置",
    "Account": "账号",
    "Edit %(model_name)s": "编辑%(model_name)s",
}

CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?([diouxXeEfFgGcrsa%])")
BRACE = re.compile(r"\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")

# msgstr[0] may leave out these placeholders of msgid_plural (see the comment on the entry in the .po:
# upstream's plural text mentions a count that is always 0 where it is rendered).
ALLOWED_OMISSIONS = {
    "Deleting this page will also delete %(translation_count)s translation of this page.": {
        "%(descendant_count)s"
    },
}
# Translations that are legitimately free of Chinese characters.
NOT_CHINESE_OK = {"%(related_model_name)s %(field_label)s"}


# --- a small .po reader (no third-party dependency) -------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


def _unquote(token: str) -> str:
    assert token.startswith('"') and token.endswith('"'), token
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], token[1:-1])


def parse_po(path: Path) -> list[dict]:
    """Entries as dicts: msgctxt, msgid, msgid_plural, msgstr (str) or msgstr[n] (dict), flags."""
    entries: list[dict] = []
    current: dict = {"flags": set()}
    field = None

    def flush():
        nonlocal current, field
        if "msgid" in current:
            entries.append(current)
        current, field = {"flags": set()}, None

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        has_msgstr = "msgstr" in current or "msgstr_plural" in current
        if not line:
            flush()
        elif line.startswith("#"):
            if has_msgstr:
                flush()
            if line.startswith("#,"):
                current["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith('"'):
            assert field, f"{path.name}:{lineno}: continuation line outside an entry"
            if isinstance(field, tuple):
                current["msgstr_plural"][field[1]] += _unquote(line)
            else:
                current[field] += _unquote(line)
        else:
            m = _KEYWORD.match(line)
            assert m, f"{path.name}:{lineno}: cannot parse {line!r}"
            keyword, value = m.group(1), _unquote(m.group(2))
            if keyword in ("msgctxt", "msgid") and has_msgstr:
                flush()
            if keyword.startswith("msgstr["):
                n = int(keyword[7:-1])
                current.setdefault("msgstr_plural", {})[n] = value
                field = ("msgstr_plural", n)
            else:
                assert keyword not in current, f"{path.name}:{lineno}: duplicate {keyword}"
                current[keyword] = value
                field = keyword
    flush()
    return entries


def _header(entries: list[dict]) -> dict:
    head = next(e for e in entries if e["msgid"] == "" and "msgctxt" not in e)
    return dict(line.split(": ", 1) for line in head["msgstr"].splitlines() if line)


def _messages(domain: str) -> list[dict]:
    return [e for e in parse_po(LC_MESSAGES / f"{domain}.po") if e["msgid"]]


def placeholders(text: str) -> set[str]:
    found = {m.group(0) for m in PERCENT.finditer(text) if m.group(2) != "%"}
    return found | set(BRACE.findall(text))


def _translations(entry: dict) -> list[str]:
    if "msgid_plural" in entry:
        return list(entry["msgstr_plural"].values())
    return [entry["msgstr"]]


# --- the strings officials see ----------------------------------------------------------------------


@pytest.mark.parametrize("msgid", ADMIN_STRINGS)
def test_admin_string_is_chinese(msgid):
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    assert text != msgid
    assert CHINESE.search(text), text
    assert not re.search(r"[A-Za-z]{2,}", PERCENT.sub("", text)), f"English left in {text!r}"


@pytest.mark.parametrize(("msgid", "expected"), REWORDED.items())
def test_reworded_terms(msgid, expected):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == expected


def test_no_variant_character_for_account():
    for domain in DOMAINS:
        for entry in _messages(domain):
            for text in _translations(entry):
                assert "帐" not in text, f"{entry['msgid']!r}: use 账号/账户, not 帐号/帐户"


def test_login_page_renders_in_chinese(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    html = response.content.decode()
    for chinese in (
        "登录政务公开管理后台",
        'placeholder="请输入用户名"',
        'placeholder="请输入密码"',
        "记住我",
    ):
        assert chinese in html
    for english in ("Sign in to Wagtail", "Enter password", "Enter your username", "Remember me"):
        assert english not in html


def test_admin_javascript_catalogue_uses_the_overlay(client, db):
    response = client.get("/admin/jsi18n/")
    assert response.status_code == 200
    catalog = json.loads(
        re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S).group(1)
    )
    assert catalog["Main menu"] == "主菜单"
    assert catalog["More actions"] == "更多操作"
    assert catalog["Autosave in progress…"] == "正在自动保存…"


# --- the catalogue files themselves -----------------------------------------------------------------


@pytest.mark.parametrize("domain", DOMAINS)
def test_po_header(domain):
    header = _header(parse_po(LC_MESSAGES / f"{domain}.po"))
    assert header["Language"] == "zh_Hans"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert header["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"


@pytest.mark.parametrize("domain", DOMAINS)
def test_po_is_sorted_unique_and_complete(domain):
    messages = _messages(domain)
    keys = [(e.get("msgctxt", ""), e["msgid"]) for e in messages]
    assert keys == sorted(keys), "entries must stay sorted by (msgctxt, msgid)"
    assert not [k for k, n in Counter(keys).items() if n > 1], "duplicate (msgctxt, msgid)"
    for entry in messages:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        if "msgid_plural" in entry:
            assert sorted(entry["msgstr_plural"]) == [0], (
                f"{entry['msgid']!r}: nplurals=1 wants msgstr[0] only"
            )
        for text in _translations(entry):
            assert text.strip(), f"{entry['msgid']!r} is untranslated"
            if entry["msgid"] not in NOT_CHINESE_OK:
                assert CHINESE.search(text), f"{entry['msgid']!r} -> {text!r} is not Chinese"


@pytest.mark.parametrize("domain", DOMAINS)
def test_placeholders_and_markup_are_preserved(domain):
    problems = []
    for entry in _messages(domain):
        msgid = entry["msgid"]
        source = entry.get("msgid_plural", msgid)  # zh has one form, used for every count
        expected = (placeholders(msgid) | placeholders(source)) - ALLOWED_OMISSIONS.get(msgid, set())
        for text in _translations(entry):
            if placeholders(text) != expected:
                problems.append(f"{msgid!r}: {sorted(placeholders(text))} != {sorted(expected)}")
            if sorted(TAG.findall(text)) != sorted(TAG.findall(source)):
                problems.append(f"{msgid!r}: markup differs: {TAG.findall(text)} vs {TAG.findall(source)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("domain", DOMAINS)
def test_committed_mo_matches_po(domain, tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed")
    fresh = tmp_path / f"{domain}.mo"
    subprocess.run([msgfmt, "--check", "-o", str(fresh), str(LC_MESSAGES / f"{domain}.po")], check=True)
    with fresh.open("rb") as f:
        expected = gettext.GNUTranslations(f)
    with (LC_MESSAGES / f"{domain}.mo").open("rb") as f:
        committed = gettext.GNUTranslations(f)
    assert committed._catalog == expected._catalog, (
        f"{domain}.mo is stale: run `msgfmt -o {domain}.mo {domain}.po` in {LC_MESSAGES}"
    )
