"""Access-control scoping, proven over HTTP (issue 13 §6): every admin URL, chooser, listing and
download is requested by officers of two bodies, a village clerk, a staff user with admin access and
no role, a non-staff user and an anonymous visitor, with path parameters filled from ANOTHER body's
objects. What another body keeps to itself (drafts, cases and applicants, payout names, objections,
letters, import files, people) is seeded with a marker naming its body; a leak is a 200 whose body
names a body the user may not see, a file handed out for another body's object, or a change of
another body's data.

The URL list is not written by hand: the URL resolver is walked, so a new admin screen is probed
the day it is added. URLs left out are listed in SKIPPED with the reason."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import CharField, F, Value
from django.db.models.functions import Concat, Substr
from django.test import Client
from django.urls import URLResolver, get_resolver

from gongkai.core.actors import SYSTEM
from gongkai.core.models import Body, BodyKind, Membership, Role
from gongkai.core.services.people import assign_role, create_person

MARK = "机密标记-"
MARK_RE = re.compile(r"机密标记-(\d+)〕")

# Admin URLs anybody may open without signing in (the sign-in itself and what it needs).
PUBLIC_ADMIN = {
    "wagtailadmin_login": "the sign-in page",
    "wagtailadmin_password_reset": "password reset request form (Wagtail, shows nothing)",
    "wagtailadmin_password_reset_done": "static confirmation",
    "wagtailadmin_password_reset_confirm": "token-checked form",
    "wagtailadmin_password_reset_complete": "static confirmation",
    "wagtailadmin_javascript_catalog": "the admin's JavaScript translations",
    "wagtailadmin_sprite": "the admin's icon sprite",
}

# URL names (or namespaces) not requested, with the reason.
SKIPPED = {
    "wagtailadmin_logout": "ends the probing user's own session (requested last, separately)",
    "wagtailadmin_error_test": "Wagtail's deliberate 500 test page (admin/failwhale/)",
    "": "unnamed patterns: Wagtail's admin 404 catch-all and test404",
}


# Screens of national data (not any body's): their files are no leak whatever id fills the URL.
NATIONAL_DATA = ("standard_areas:",  # the 26 standard guidelines of 国办发〔2019〕54号, public
                 "wagtailadmin_sprite", "wagtailadmin_javascript_catalog")


@dataclass
class Side:
    """One body's objects, used to fill the URLs another user is probed with."""

    name: str
    bodies: list[Body]
    ids: dict[str, list[str]] = field(default_factory=dict)


def _mark(model, body_path: str, *fields: str, **filters) -> int:
    """Prefix ``fields`` of ``model`` rows with the marker of their body (one UPDATE per field)."""
    n = 0
    rows = model.objects.filter(**filters)
    for body_id in set(rows.values_list(body_path, flat=True)):
        for name in fields:
            length = model._meta.get_field(name).max_length or 100000
            n += rows.filter(**{body_path: body_id}).update(**{name: Substr(Concat(
                Value(f"{MARK}{body_id}〕"), F(name), output_field=CharField()), 1, length)})
    return n


def seed_markers() -> dict[str, int]:
    """Mark what is each body's own business (run after the demo is loaded)."""
    from gongkai.catalog.models import CatalogueItem
    from gongkai.disclosure.models import Record, RecordAttachment
    from gongkai.privacy.models import Rectification, SweepFinding
    from gongkai.reports.models import AnnualReport
    from gongkai.requests.models import Applicant, Case, Letter, ProactiveSuggestion
    from gongkai.villages.models import (
        CataloguePosting,
        ImportJob,
        Objection,
        Payout,
        PayoutBatch,
        VillageCatalogueItem,
    )

    counts = {
        "records (not live)": _mark(Record, "body_id", "title", live=False),
        "attachments of records not live": _mark(RecordAttachment, "record__body_id", "title", record__live=False),
        "cases": _mark(Case, "body_id", "subject"),
        "applicants": _mark(Applicant, "case__body_id", "name", "address"),
        "letters": _mark(Letter, "body_id", "title"),
        "proactive suggestions": _mark(ProactiveSuggestion, "body_id", "subject"),
        "sweep findings": _mark(SweepFinding, "body_id", "object_title"),
        "rectifications": _mark(Rectification, "body_id", "title"),
        "report drafts": _mark(AnnualReport, "body_id", "section_overview", published_at__isnull=True),
        "catalogue items": _mark(CatalogueItem, "catalogue__body_id", "content"),
        "payout batches": _mark(PayoutBatch, "body_id", "source_name"),
        "import jobs": _mark(ImportJob, "body_id", "source_name"),
        "payouts": _mark(Payout, "village_id", "name"),
        "objections": _mark(Objection, "notice__village_id", "name", "content"),
        "village catalogue items": _mark(VillageCatalogueItem, "catalogue__village_id", "name"),
        "village postings": _mark(CataloguePosting, "item__catalogue__village_id", "title"),
    }
    # People: the e-mail of each account names the body of its (first) role.
    User = get_user_model()
    for membership in Membership.objects.order_by("pk"):
        User.objects.filter(pk=membership.user_id).exclude(email__startswith=MARK).update(
            email=Concat(Value(f"{MARK}{membership.body_id}〕"), F("email")))
    # Wagtail's copies of a draft's title: revisions and the log shown in history and reports.
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry, Revision

    ct = ContentType.objects.get_for_model(Record)
    drafts = {r.pk: r for r in Record.objects.filter(live=False)}
    for revision in Revision.objects.filter(content_type=ct, object_id__in=[str(pk) for pk in drafts]):
        record = drafts[int(revision.object_id)]
        revision.content["title"] = record.title
        revision.object_str = record.title
        revision.save(update_fields=["content", "object_str"])
    for entry in ModelLogEntry.objects.filter(content_type=ct, object_id__in=[str(pk) for pk in drafts]):
        ModelLogEntry.objects.filter(pk=entry.pk).update(label=drafts[int(entry.object_id)].title)
    return counts


def seed_private_objects(bodies: list[Body]) -> dict[str, int]:
    """Give each of ``bodies`` (run before :func:`seed_markers`) one of every object kind behind a
    download or an action screen that the demo does not make for every body: an applicant's ID
    document, a generated letter, a 第四十四条 suggestion, a privacy-sweep finding and its
    rectification, and a finished payout import with its reject file. Files carry the body's marker,
    so a file handed out to the wrong user is caught by its content as well as by its URL."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from gongkai.disclosure.models import Record
    from gongkai.privacy.models import Rectification, Sweep, SweepFinding, SweepStatus
    from gongkai.requests.models import Applicant, Case, ProactiveSuggestion
    from gongkai.requests.services.letters import generate_letter
    from gongkai.villages.models import ImportJob, ImportJobStatus, SubsidyProgramme

    counts = {"id documents": 0, "letters": 0, "suggestions": 0, "findings": 0, "rectifications": 0,
              "import jobs": 0}
    county = Body.objects.get(kind=BodyKind.COUNTY)
    sweep = Sweep.objects.create(county=county, status=SweepStatus.DONE, started_at=timezone.now(),
                                 finished_at=timezone.now())
    programme = SubsidyProgramme.objects.order_by("pk").first()
    for body in bodies:
        marker = f"{MARK}{body.pk}〕"
        case = Case.objects.filter(body=body).order_by("pk").first()
        if case is not None:
            applicant = Applicant.objects.get(case=case)
            applicant.id_document.save("id.jpg", ContentFile(f"{marker} ID document".encode()), save=True)
            counts["id documents"] += 1
            generate_letter(SYSTEM, case, "receipt")
            counts["letters"] += 1
            ProactiveSuggestion.objects.create(body=body, subject="多人申请的同一信息")
            counts["suggestions"] += 1
        record = Record.objects.filter(body=body, live=True).order_by("pk").first()
        if record is not None and body.kind != BodyKind.VILLAGE:
            finding = SweepFinding.objects.create(sweep=sweep, body=body, object_id=str(record.pk),
                                                  object_title=record.title, record=record, part="正文",
                                                  kind="id_card", masked="3601**********1234",
                                                  context="身份证号 3601**********1234")
            rectification = Rectification.objects.create(body=body, title="公开信息含未遮盖的身份证号",
                                                          due_date=timezone.localdate())
            rectification.findings.add(finding)
            counts["findings"] += 1
            counts["rectifications"] += 1
        if body.kind == BodyKind.TOWNSHIP and programme is not None:
            job = ImportJob.objects.create(programme=programme, year=2025, body=body, created_by_label="probe",
                                           source_name="清册.csv", sha256="0" * 64, skip_invalid=True,
                                           status=ImportJobStatus.SUCCEEDED, finished_at=timezone.now(),
                                           message="已导入，剔除 1 行")
            job.rejects.save("rejects.csv", ContentFile(f"行号,原因\n3,{marker}\n".encode()), save=True)
            counts["import jobs"] += 1
    return counts


def _first(qs) -> str | None:
    obj = qs.order_by("pk").first()
    return None if obj is None else str(obj.pk)


def collect_ids(side: Side) -> None:
    """The object ids of ``side`` that fill the URL parameters."""
    from wagtail.models import Revision, TaskState, WorkflowState

    from gongkai.catalog.models import Catalogue, CatalogueItem
    from gongkai.disclosure.models import Record
    from gongkai.privacy.models import Rectification, Sweep
    from gongkai.reports.models import AnnualReport
    from gongkai.requests.models import Case, Letter, ProactiveSuggestion
    from gongkai.villages.models import ImportJob, Objection, VillageCatalogueItem

    bodies = side.bodies
    villages = [b for b in bodies if b.kind == BodyKind.VILLAGE]
    townships = [b for b in bodies if b.kind == BodyKind.TOWNSHIP]
    records = Record.objects.filter(body__in=bodies)
    states = WorkflowState.objects.filter(base_content_type__model="record",
                                          object_id__in=[str(pk) for pk in records.values_list("pk", flat=True)])
    reviewed = {int(pk) for pk in states.values_list("object_id", flat=True)}
    in_review = {int(pk) for pk in states.filter(status="in_progress").values_list("object_id", flat=True)}
    chosen = [_first(records.filter(live=False).exclude(pk__in=reviewed)), _first(records.filter(pk__in=in_review)),
              _first(records.filter(live=True))]
    record_ids = [pk for pk in chosen if pk]
    ids = {
        "record": record_ids,
        "revision": [_first(Revision.objects.filter(object_id__in=record_ids, base_content_type__model="record"))],
        "workflow_state": [_first(WorkflowState.objects.filter(base_content_type__model="record",
                                                               object_id__in=record_ids))],
        "task_state": [_first(TaskState.objects.filter(workflow_state__object_id__in=record_ids,
                                                       workflow_state__base_content_type__model="record"))],
        "case": [_first(Case.objects.filter(body__in=bodies))],
        "letter": [_first(Letter.objects.filter(body__in=bodies))],
        "suggestion": [_first(ProactiveSuggestion.objects.filter(body__in=bodies))],
        "sweep": [_first(Sweep.objects.all())],
        "rectification": [_first(Rectification.objects.filter(body__in=bodies))],
        "import_job": [_first(ImportJob.objects.filter(body__in=bodies))],
        "objection": [_first(Objection.objects.filter(notice__village__in=bodies))],
        "catalogue": [_first(Catalogue.objects.filter(body__in=bodies))],
        "catalogue_item": [_first(CatalogueItem.objects.filter(catalogue__body__in=bodies))],
        "village": [str(v.pk) for v in villages[:1]],
        "village_item": [_first(VillageCatalogueItem.objects.filter(catalogue__village__in=villages))],
        "township": [str(t.pk) for t in townships[:1]],
        "body": [str(b.pk) for b in bodies if b.kind != BodyKind.VILLAGE][:2],
        "person": [_first(get_user_model().objects.filter(memberships__body__in=bodies))],
        "membership": [_first(Membership.objects.filter(body__in=bodies))],
        "report": [f"{r.body_id}/{r.year}" for r in AnnualReport.objects.filter(body__in=bodies).order_by("pk")[:2]],
    }
    side.ids = {k: [v for v in vals if v] for k, vals in ids.items()}


def walk(resolver=None, prefix="", namespace=""):
    """(route, full name, pattern) of every URL pattern, the nested ones included."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace]))
            yield from walk(p, prefix + str(p.pattern), ns)
        else:
            yield prefix + str(p.pattern), ":".join(filter(None, [namespace, p.name or ""])) if p.name else "", p


# Which of a side's id lists fills a parameter: by (URL namespace or name prefix, parameter).
PARAMS = [
    ("wagtailsnippets_disclosure_record", "pk", "record"),
    ("wagtailsnippetchoosers_disclosure_record", "pk", "record"),
    ("wagtailsnippets_disclosure_record", "revision_id", "revision"),
    ("wagtailsnippets_disclosure_record", "workflow_state_id", "workflow_state"),
    ("wagtailsnippets_disclosure_record", "task_state_id", "task_state"),
    ("privacy_admin:record", "pk", "record"),
    ("privacy_admin:sweep", "pk", "sweep"),
    ("privacy_admin:rectification", "pk", "rectification"),
    ("requests_admin:proactive", "pk", "suggestion"),
    ("requests_admin", "pk", "case"),
    ("requests_admin", "letter_id", "letter"),
    ("villages_imports", "pk", "import_job"),
    ("villages_subsidy:objection", "pk", "objection"),
    ("villages_catalogue:township", "pk", "township"),
    ("villages_catalogue:county", "pk", "body"),
    ("villages_catalogue", "pk", "village"),
    ("villages_catalogue", "item_pk", "village_item"),
    ("bodies", "pk", "body"),
    ("people", "pk", "person"),
    ("wagtailusers_users", "pk", "person"),
    ("memberships", "pk", "membership"),
    ("catalogues", "pk", "catalogue"),
    ("catalogues", "body_pk", "body"),
    ("catalogue_items", "pk", "catalogue_item"),
    ("wagtailadmin_editing_sessions", "object_id", "record"),
]

# Id kinds shared by every body of the county: a file for them is judged by its content alone.
SHARED = {"sweep"}

# Fixed values for parameters that name a kind of thing rather than an object.
FIXED = {
    "app_label": ["disclosure"], "model_name": ["record"], "app_name": ["portal"],
    "content_type_app_name": ["portal"], "content_type_model_name": ["policypage"],
    "action_name": ["approve", "reject"], "validity": ["expired", "repealed", "valid"],
    "fmt": ["html", "docx", "xlsx", "json"], "kind": ["acceptance"], "filter_spec": ["original"],
    "uidb64": ["MQ"], "token": ["x"], "session_id": ["1"],
}


def _ids_for(name: str, param: str, side: Side, generic: list[str]) -> list[str]:
    for prefix, p, key in PARAMS:
        if p == param and (name == prefix or name.startswith(prefix + ":") or name.startswith(prefix)):
            return side.ids.get(key, [])
    return generic


REQUEST_ACTIONS = ["accept", "close", "extend", "pause", "resume", "decide"]
REPORT_ACTIONS = ["generate", "validate", "publish", "correct"]


def fill(route: str, name: str, side: Side) -> list[str]:
    """Concrete URLs for ``route`` with parameters taken from ``side``."""
    generic = sorted({v for vals in side.ids.values() for v in vals if v.isdigit()})[:2]
    if "(" in route:
        return _fill_regex(route, name, side)
    route = route.replace("^", "").replace("$", "")  # Wagtail's admin API: plain routes written as regex
    params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    if not params:
        return ["/" + route]
    if name.startswith("reports_admin"):
        base = [re.sub(r"<int:body_id>/<int:year>", report, route) for report in side.ids.get("report", [])]
        out = []
        for url in base:
            if "<str:action>" in url:
                out += [url.replace("<str:action>", a) for a in REPORT_ACTIONS]
            elif "<str:fmt>" in url:
                out += [url.replace("<str:fmt>", f) for f in FIXED["fmt"]]
            else:
                out.append(url)
        return ["/" + u for u in out]
    urls = [route]
    for conv, param in params:
        if param in FIXED:
            values = FIXED[param]
        elif param == "action" and name.startswith("requests_admin"):
            values = REQUEST_ACTIONS
        else:
            values = _ids_for(name, param, side, generic)
        token = f"<{conv}:{param}>" if conv else f"<{param}>"
        urls = [u.replace(token, v, 1) for u in urls for v in values[:2]]
    return ["/" + u for u in urls]


def _fill_regex(route: str, name: str, side: Side) -> list[str]:
    if "revisions/compare" in route and name.startswith("wagtailsnippets_disclosure_record"):
        rec, rev = side.ids.get("record", []), side.ids.get("revision", [])
        if rec and rev:
            base = route.split("history/")[0]
            return [f"/{base}history/{rec[0]}/revisions/compare/earliest...{rev[0]}/",
                    f"/{base}history/{rec[0]}/revisions/compare/{rev[0]}...live/"]
    if name == "wagtailadmin_pages:revisions_compare":
        from wagtail.models import Page

        page = Page.objects.filter(depth=2).order_by("pk").first()
        revision = page.revisions.order_by("pk").first() if page else None
        if revision is not None:
            return [f"/admin/pages/{page.pk}/revisions/compare/earliest...{revision.pk}/",
                    f"/admin/pages/{page.pk}/revisions/compare/{revision.pk}...live/"]
    if name == "wagtaildocs_serve":
        return ["/documents/1/file.pdf"]
    return []


@dataclass
class Leak:
    user: str
    method: str
    url: str
    what: str

    def __str__(self):
        return f"{self.user:<12} {self.method:<4} {self.url}  →  {self.what}"


class LeakList(list):
    def append(self, leak):
        print("LEAK", leak, flush=True)
        super().append(leak)


def fingerprint(bodies) -> str:
    """A digest of the rows of ``bodies`` that a probe must never change."""
    from gongkai.catalog.models import Catalogue, CatalogueItem
    from gongkai.disclosure.models import Record
    from gongkai.reports.models import AnnualReport
    from gongkai.requests.models import Case, Letter
    from gongkai.villages.models import CataloguePosting, ImportJob, Notice, VillageCatalogueItem

    h = hashlib.sha256()
    ids = [b.pk for b in bodies]
    for qs in (Body.objects.filter(pk__in=ids), Membership.objects.filter(body__in=ids),
               Record.objects.filter(body__in=ids), Case.objects.filter(body__in=ids),
               Letter.objects.filter(body__in=ids), AnnualReport.objects.filter(body__in=ids),
               Catalogue.objects.filter(body__in=ids), CatalogueItem.objects.filter(catalogue__body__in=ids),
               ImportJob.objects.filter(body__in=ids), Notice.objects.filter(village__in=ids),
               VillageCatalogueItem.objects.filter(catalogue__village__in=ids),
               CataloguePosting.objects.filter(item__catalogue__village__in=ids)):
        for row in qs.order_by("pk").values_list():
            h.update(repr(row).encode())
    from wagtail.models import Revision, WorkflowState

    record_ids = [str(pk) for pk in Record.objects.filter(body__in=ids).values_list("pk", flat=True)]
    h.update(repr(Revision.objects.filter(object_id__in=record_ids, base_content_type__model="record").count()).encode())
    h.update(repr(list(WorkflowState.objects.filter(object_id__in=record_ids).values_list("pk", "status"))).encode())
    return h.hexdigest()


def _body_text(response) -> bytes:
    """The response's bytes; for an Office file (a ZIP: XLSX, DOCX) the text of its XML parts, so a
    marker in a spreadsheet cell or a letter's paragraph is found as in a page."""
    import io
    import zipfile

    data = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return b"\n".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
        except zipfile.BadZipFile:
            return data
    return data


def _is_file(response) -> bool:
    kind = response.get("Content-Type", "")
    return "attachment" in response.get("Content-Disposition", "") or not (
        kind.startswith("text/html") or kind.startswith("application/json") or kind.startswith("text/javascript")
        or kind == "")


def _login_redirect(response) -> bool:
    return response.status_code == 302 and "/admin/login/" in response.get("Location", "")


def pick_bodies():
    """Two departments and two townships with the most of their own business, and villages."""
    from django.db.models import Count, Q

    def rank(kind):
        return list(Body.objects.filter(kind=kind).annotate(
            n=Count("records", filter=Q(records__live=False), distinct=True)
            + Count("request_cases", distinct=True)).order_by("-n", "path")[:2])

    dept_a, dept_b = rank(BodyKind.DEPARTMENT)
    town_a, town_b = rank(BodyKind.TOWNSHIP)
    return dept_a, dept_b, town_a, town_b


def side_of(*bodies: Body) -> list[Body]:
    """The bodies a multi-role officer of ``bodies`` covers, with the villages of a township (its
    payout lists, notices and village catalogues are the township's business)."""
    out = []
    for body in bodies:
        out += list(Body.get_tree(body).filter(kind__in=[body.kind, BodyKind.SECTION, BodyKind.VILLAGE]))
    return out


OFFICER_ROLES = [Role.INFO_OFFICER, Role.CONFIDENTIALITY_REVIEWER, Role.APPROVING_LEADER, Role.REQUEST_HANDLER]


def make_officer(username: str, bodies: list[Body]):
    user = create_person(SYSTEM, body=bodies[0], username=username, full_name=username, password="probe-pass-2026",
                         validate=False)
    for body in bodies:
        for role in OFFICER_ROLES:
            assign_role(SYSTEM, user=user, body=body, role=role)
    return user


@pytest.mark.django_db(transaction=False)
def test_no_admin_url_leaks_another_bodys_data(settings):
    from gongkai.demo.loader import load_demo

    load_demo()
    dept_a, dept_b, town_a, town_b = pick_bodies()
    seeded = seed_private_objects([dept_a, town_a, dept_b, town_b])
    print("seeded objects:", seeded)
    assert all(seeded.values()), seeded
    counts = seed_markers()
    print("marked rows:", counts)
    essential = ("records (not live)", "cases", "applicants", "report drafts", "payouts", "objections",
                 "village postings", "payout batches", "letters", "proactive suggestions", "sweep findings",
                 "rectifications", "import jobs")
    assert all(counts[k] for k in essential), counts  # the probe is never vacuous

    side_a = Side("甲", side_of(dept_a, town_a))
    side_b = Side("乙", side_of(dept_b, town_b))
    collect_ids(side_a)
    collect_ids(side_b)
    for side in (side_a, side_b):  # both sides hold every kind of object behind a download or action
        missing = [k for k in ("case", "letter", "suggestion", "rectification", "import_job", "record", "report")
                   if not side.ids.get(k)]
        assert not missing, (side.name, missing)
    village_a1, village_a2 = [b for b in side_a.bodies if b.kind == BodyKind.VILLAGE][:2]
    clerk_side = Side("甲村2", [village_a2, town_a, dept_a])
    collect_ids(clerk_side)

    User = get_user_model()
    officer_a = make_officer("probe_officer_a", [dept_a, town_a])
    officer_b = make_officer("probe_officer_b", [dept_b, town_b])
    clerk = create_person(SYSTEM, body=village_a1, username="probe_clerk", full_name="probe_clerk",
                          password="probe-pass-2026", validate=False)
    assign_role(SYSTEM, user=clerk, body=village_a1, role=Role.VILLAGE_CLERK)
    plain_staff = User.objects.create_user("probe_staff", password="probe-pass-2026")
    plain_staff.groups.add(Group.objects.get(name="政务公开工作人员"))
    plain_user = User.objects.create_user("probe_user", password="probe-pass-2026")

    # user label → (user or None, bodies whose markers the user may read, side whose ids fill URLs)
    cast = {
        "officer_a": (officer_a, side_a.bodies, side_b),
        "officer_b": (officer_b, side_b.bodies, side_a),
        "clerk": (clerk, [village_a1], clerk_side),
        "plain_staff": (plain_staff, [], side_a),
        "non_staff": (plain_user, [], side_b),
        "anonymous": (None, [], side_a),
    }
    patterns = [(route, name) for route, name, _p in walk() if route.startswith("admin/") or name == "wagtaildocs_serve"]
    skipped = [(route, SKIPPED[name]) for route, name in patterns if name in SKIPPED]
    to_probe = [(route, name) for route, name in patterns if name not in SKIPPED]

    leaks = LeakList()
    probed = 0
    own_seen: dict[str, int] = {}  # responses showing the user's own marked rows: the detector works
    unfilled = set()
    for label, (user, allowed, victim) in cast.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        allowed_ids = {b.pk for b in allowed}
        guarded = [b for b in victim.bodies if b.pk not in allowed_ids]
        before = fingerprint(guarded)
        # Ids of objects that belong to one of the victim's bodies (a sweep is the county's).
        victim_owned = {v for key, vals in victim.ids.items() if key not in SHARED for v in vals}
        urls = []
        for route, name in to_probe:
            filled = fill(route, name, victim)
            if not filled:
                unfilled.add((route, name))
            urls += [(name, u, "<" in route or "^" in route) for u in filled]
        for name, url, has_params in urls:
            # An empty POST (CSRF is off in the test client) to every screen of one object: those act.
            for method in ("get", "post") if has_params else ("get",):
                response = getattr(client, method)(url, HTTP_ACCEPT="text/html")
                probed += 1
                status = response.status_code
                if status >= 500:
                    leaks.append(Leak(label, method.upper(), url, f"HTTP {status}"))
                    continue
                if user is None or label == "non_staff":
                    if name.split(":")[-1] in PUBLIC_ADMIN or name in PUBLIC_ADMIN or name == "wagtaildocs_serve":
                        pass
                    elif not (_login_redirect(response) or status in (403, 404, 405)):
                        leaks.append(Leak(label, method.upper(), url, f"HTTP {status} instead of sign-in/403/404"))
                        continue
                if status != 200:
                    if method == "post" and status < 400 and not _login_redirect(response):
                        after = fingerprint(guarded)
                        if after != before:
                            leaks.append(Leak(label, "POST", url, f"changed another body's data (HTTP {status})"))
                            before = after
                    continue
                text = _body_text(response).decode("utf-8", "replace")
                marks = {int(b) for b in MARK_RE.findall(text)}
                if marks & allowed_ids:
                    own_seen[label] = own_seen.get(label, 0) + 1
                seen = marks - allowed_ids
                if seen:
                    leaks.append(Leak(label, method.upper(), url,
                                      "shows " + ", ".join(sorted(Body.objects.get(pk=b).name for b in seen))))
                elif _is_file(response) and set(re.findall(r"\d+", url)) & victim_owned \
                        and not name.startswith(NATIONAL_DATA):
                    leaks.append(Leak(label, method.upper(), url, f"file {response.get('Content-Type')}"))
                if method == "post":
                    after = fingerprint(guarded)
                    if after != before:
                        leaks.append(Leak(label, "POST", url, "changed another body's data (HTTP 200)"))
                        before = after
        assert fingerprint(guarded) == before, f"{label}: another body's data changed during the probe"

    print(f"\nscope probe: {len(to_probe)} admin URL patterns, {probed} requests over {len(cast)} users; "
          f"{len(skipped)} skipped patterns:")
    for route, reason in skipped:
        print(f"  skipped {route}: {reason}")
    for route, name in sorted(unfilled):
        print(f"  not filled (no object of that kind): {name} {route}")
    print(f"  responses showing the user's own marked rows: {own_seen}")
    assert len(to_probe) >= 250 and probed >= 2500, (len(to_probe), probed)
    assert own_seen.get("officer_a", 0) >= 5 and own_seen.get("officer_b", 0) >= 5 and own_seen.get("clerk"), own_seen
    assert not leaks, f"{len(leaks)} leaks:\n" + "\n".join(map(str, leaks))


@pytest.mark.django_db(transaction=False)
def test_public_downloads_serve_nothing_unpublished():
    """The public site's own downloads and object pages (a record, its attachments, an annual
    report and its files, a village board photo), requested with the ids of what is not public:
    every draft, withdrawn or unpublished record and its attachments, every attachment under
    another record's number, every unpublished report version, every photo under another
    village's number. Asked anonymously and by an officer of another body; all must be 404."""
    from wagtail.models import Page

    from gongkai.demo.loader import load_demo
    from gongkai.disclosure.models import Record, RecordAttachment
    from gongkai.portal.models import AnnualReportIndexPage, ProactiveIndexPage
    from gongkai.reports.models import AnnualReport, ReportStatus
    from gongkai.villages.models import PostingPhoto, VillageAffairsIndexPage

    load_demo()
    proactive = ProactiveIndexPage.objects.live().get()
    reports = AnnualReportIndexPage.objects.live().get()
    villages = VillageAffairsIndexPage.objects.live().get()
    assert Page.objects.live().count() > 5

    def sub(page, name, **kwargs):
        return page.url + page.reverse_subpage(name, kwargs=kwargs)

    hidden = Record.objects.filter(live=False)
    live = list(Record.objects.filter(live=True).order_by("pk")[:2])
    urls = [sub(proactive, "record", pk=r.pk) for r in hidden]
    urls += [sub(proactive, "attachment", pk=a.record_id, attachment_id=a.pk)
             for a in RecordAttachment.objects.filter(record__live=False)]
    # A live record's number with an attachment of another record (live or not).
    urls += [sub(proactive, "attachment", pk=live[0].pk, attachment_id=a.pk)
             for a in RecordAttachment.objects.exclude(record=live[0])[:20]]
    unpublished = AnnualReport.objects.exclude(status__in=[ReportStatus.PUBLISHED, ReportStatus.SUPERSEDED])
    for report in unpublished.select_related("body"):
        if not AnnualReport.objects.filter(body=report.body, year=report.year, status=ReportStatus.PUBLISHED).exists():
            urls.append(sub(reports, "report", code=report.body.code, year=report.year))
        urls.append(sub(reports, "report_version", code=report.body.code, year=report.year, version=report.version))
        urls += [sub(reports, "download", code=report.body.code, year=report.year, version=report.version, fmt=fmt)
                 for fmt in ("docx", "xlsx")]
    for photo in PostingPhoto.objects.select_related("posting__item__catalogue__village")[:10]:
        own = photo.posting.item.catalogue.village
        other = Body.objects.filter(kind=BodyKind.VILLAGE).exclude(pk=own.pk).order_by("pk").first()
        urls.append(sub(villages, "board_photo", pk=other.pk, photo_id=photo.pk))
    kinds = {"records": hidden.count(), "report versions": unpublished.count(),
             "photos": PostingPhoto.objects.count()}
    assert all(kinds.values()), kinds  # never vacuous

    officer = make_officer("probe_public_officer", [pick_bodies()[1]])
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(officer)
    anonymous = Client(raise_request_exception=False)
    served = []
    for client in (anonymous, signed_in):
        for url in urls:
            response = client.get(url)
            if response.status_code != 404:
                served.append(f"{url} → HTTP {response.status_code}")
    print(f"\npublic probe: {len(urls)} URLs × 2 users; objects: {kinds}")
    assert len(urls) >= 30
    assert not served, "\n".join(served)
