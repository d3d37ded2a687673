"""Chinese everywhere in the admin (issue 14 §6): no raw codes, no English labels, no storage paths.

Two checks. The static one: every field's verbose name and every choice label of Gongkai's own
models is Chinese. The walking one: with the demo county loaded, every admin screen (the URL
resolver is walked as in test_scope_probe, parameters filled with objects the user may see) is
requested as each role, and the page's visible text (not attributes, scripts or styles) must not
show True/False/None, English words of a blocklist, snake_case codes or storage paths."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.test import Client

CJK = re.compile(r"[\u4e00-\u9fff]")

# Visible words that betray an untranslated label or a raw value.
BLOCKLIST = re.compile(
    r"\b(True|False|None|User|Users|Created|Updated|Created at|Created by|Updated at|Owner|Status|Name|Title)\b")
# A snake_case code: id_card, bank_card, not_involved (two or more lowercase parts).
SNAKE = re.compile(r"(?<![\w./-])[a-z]+(?:_[a-z0-9]+)+(?![\w./-])")
# A stored file's path shown as text: private/…, uploads/…, records/2026/05/x.docx.
STORAGE = re.compile(r"(?:\b(?:private|uploads|records|media|letters|imports|id_documents)/[\w./-]*"
                     r"|[\w-]+/[\w./-]*\.(?:docx|xlsx|pdf|csv|doc|xls|zip))")

SKIP_TAGS = {"script", "style", "svg", "noscript"}


class VisibleText(HTMLParser):
    """The text a reader sees: not scripts, styles or icons, nor what is ``hidden``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping: list[str] = []  # the open tags whose content is not shown
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if (self.skipping and tag == self.skipping[-1]) or tag in SKIP_TAGS or "hidden" in dict(attrs):
            self.skipping.append(tag)

    def handle_endtag(self, tag):
        if self.skipping and tag == self.skipping[-1]:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


# A letter template's placeholders ({{ case_number }}) are shown on purpose, to template authors.
PLACEHOLDER = re.compile(r"\{\{\s*\w+\s*\}\}")


def offences(html: str, names: frozenset[str] = frozenset()) -> list[str]:
    """What the page shows that it should not; ``names``: words that are data, not codes (the
    people's login names, shown as such)."""
    found = []
    for text in visible_text(html):
        text = PLACEHOLDER.sub("", text)
        for pattern, what in ((BLOCKLIST, "English"), (SNAKE, "code"), (STORAGE, "path")):
            for match in pattern.finditer(text):
                if match.group(0) not in names:
                    found.append(f"{what}: {match.group(0)!r} in {text[:80]!r}")
    return found


def gongkai_models():
    return [m for m in apps.get_models() if m.__module__.startswith("gongkai.")]


def inherited_names(model) -> set[str]:
    """Fields a model takes over from Wagtail, treebeard or Django (page tree, revisions, locking):
    their labels are the framework's, translated by it."""
    names = set()
    for base in model.__mro__[1:]:
        meta = getattr(base, "_meta", None)
        if meta is not None and not base.__module__.startswith("gongkai."):
            names.update(f.name for f in meta.get_fields(include_parents=True) if hasattr(f, "verbose_name"))
    return names


def test_every_field_label_and_choice_of_our_models_is_chinese():
    english = []
    for model in gongkai_models():
        skip = inherited_names(model)
        if not CJK.search(str(model._meta.verbose_name)):
            english.append(f"{model._meta.label}: verbose_name {model._meta.verbose_name!r}")
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) and not field.many_to_many:
                continue
            if getattr(field, "auto_created", False) or field.name == "id" or field.name in skip:
                continue
            if not CJK.search(str(field.verbose_name)):
                english.append(f"{model._meta.label}.{field.name}: {field.verbose_name!r}")
            for _value, label in field.flatchoices if field.choices else ():
                if not CJK.search(str(label)):
                    english.append(f"{model._meta.label}.{field.name} choice {label!r}")
    assert not english, "\n".join(english)


def test_the_detector_finds_what_it_should():
    assert offences("<div hidden><div>None</div></div><p>是</p>") == []
    html = ("<p>True</p><td>None</td><span>id_card</span><a href='/x/private/a.docx' title='User'>附件</a>"
            "<script>var a_b = null;</script><p>private/requests/12/id.jpg</p><p>青农发〔2026〕12号</p>")
    found = offences(html)
    assert any("'True'" in f for f in found) and any("'None'" in f for f in found)
    assert any("id_card" in f for f in found) and any("private/requests" in f for f in found)
    assert not any("a_b" in f or "User" in f for f in found)  # scripts and attributes are not text
    assert offences("<p>xzf_xxy</p><code>{{ case_number }}</code>", frozenset({"xzf_xxy"})) == []


def role_users():
    """One user per role of the brief, from the demo county."""
    from django.contrib.auth import get_user_model

    from gongkai.core.models import BodyKind, Membership, Role

    def holder(role, kind=None):
        memberships = Membership.objects.filter(role=role).select_related("user", "body").order_by("pk")
        if kind:
            memberships = memberships.filter(body__kind=kind)
        return memberships.first().user

    return {
        "office_admin": holder(Role.OFFICE_ADMIN),
        "department_officer": holder(Role.INFO_OFFICER, BodyKind.DEPARTMENT),
        "reviewer": holder(Role.CONFIDENTIALITY_REVIEWER),
        "township_officer": holder(Role.INFO_OFFICER, BodyKind.TOWNSHIP),
        "village_clerk": holder(Role.VILLAGE_CLERK),
        "request_handler": holder(Role.REQUEST_HANDLER),
        "superuser": get_user_model().objects.filter(is_superuser=True).order_by("pk").first(),
    }


# Screens that are no list, edit or inspect screen of ours: files, JSON endpoints, actions.
NOT_SCREENS = re.compile(r"(autosave|preview|/api/|jsi18n|sprite|logout|login|password_reset|"
                         r"download|export|\.(csv|xlsx|docx|json|pdf)|/file/|serve|failwhale|test404|"
                         r"editing-sessions|workflow/action|collect_workflow_action_data|/usage/)")


@pytest.mark.django_db(transaction=False)
def test_no_english_codes_or_paths_on_any_admin_screen():
    from gongkai.core import rules
    from gongkai.demo.loader import load_demo
    from tests.core.test_scope_probe import Side, collect_ids, fill, seed_private_objects, walk

    load_demo()
    from gongkai.core.models import Body, BodyKind

    seed_private_objects(list(Body.objects.filter(kind__in=[BodyKind.DEPARTMENT, BodyKind.TOWNSHIP])[:4]))
    from django.contrib.auth import get_user_model

    names = frozenset(get_user_model().objects.values_list("username", flat=True))
    patterns = [(route, name) for route, name, _p in walk() if route.startswith("admin/") and name]
    found: dict[str, set[str]] = {}
    screens = 0
    for label, user in role_users().items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        side = Side(label, list(rules.bodies_visible_to(user).order_by("path")))
        collect_ids(side)
        for route, name in patterns:
            for url in fill(route, name, side):
                if NOT_SCREENS.search(url):
                    continue
                response = client.get(url, HTTP_ACCEPT="text/html")
                if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                    continue
                screens += 1
                for offence in offences(response.content.decode("utf-8", "replace"), names):
                    found.setdefault(offence, set()).add(f"{label} {url}")
    report = [f"{offence}\n    {sorted(where)[:3]}" for offence, where in sorted(found.items())]
    print(f"\n{screens} screens checked")
    assert screens >= 300, screens
    assert not found, f"{len(found)} offences:\n" + "\n".join(report)
