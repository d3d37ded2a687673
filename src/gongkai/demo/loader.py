"""Load the demo county through the service layer. Idempotent: what exists is kept, what is
missing is created. Refuses a database that holds bodies or people that are not the demo's."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from gongkai.core import audit
from gongkai.core.actors import SystemActor
from gongkai.core.models import Body, BodyKind, Membership
from gongkai.core.services.bodies import create_body
from gongkai.core.services.people import assign_role, create_person
from gongkai.demo import data as demo


class DemoRefused(Exception):
    """The database holds data that is not the demo's; loading would mix the two."""


@dataclass
class DemoResult:
    created_bodies: int = 0
    created_users: int = 0
    created_records: int = 0
    logins: list[tuple[str, str, str, str]] = field(default_factory=list)  # username, name, role, body


def _contact(mail: str, number: str, office: str, address: str) -> dict:
    return {
        "disclosure_office": office,
        "address": address,
        "postcode": demo.POSTCODE,
        "office_hours": demo.OFFICE_HOURS,
        "phone": demo.phone(number),
        "fax": demo.phone(str(int(number) + 500)),
        "email": f"{mail}@{demo.MAIL_DOMAIN}",
    }


def _planned_codes() -> set[str]:
    codes = {demo.body_code("11", demo.COUNTY["org"])}
    codes |= {demo.body_code("11", d[2]) for d in demo.DEPARTMENTS}
    for ti, township in enumerate(demo.TOWNSHIPS, start=1):
        codes.add(demo.body_code("11", township[1]))
        codes |= {demo.body_code("54", demo.village_org_body(ti, vi)) for vi in range(1, len(township[5]) + 1)}
    return codes


def _check_foreign_data() -> None:
    sections = {name for _body, names in demo.SECTIONS for name in names}
    foreign_bodies = Body.objects.exclude(code__in=_planned_codes()).exclude(code__isnull=True, name__in=sections)
    from gongkai.demo.records import staff_usernames

    usernames = {u[0] for u in demo.USERS} | {demo.PLATFORM_USER[0]} | staff_usernames(len(_planned_codes()))
    foreign_users = get_user_model().objects.exclude(username__in=usernames)
    if foreign_bodies.exists() or foreign_users.exists():
        sample = foreign_bodies.first() or foreign_users.first()
        raise DemoRefused(f"数据库中已有非演示数据（例如“{sample}”），演示数据只能载入空数据库")


def _ensure(parent: Body | None, kind: str, name: str, actor, result: DemoResult, **fields) -> Body:
    code = fields.get("code")
    existing = Body.objects.filter(code=code).first() if code else (
        parent.get_children().filter(name=name).first() if parent else None
    )
    if existing:
        return existing
    result.created_bodies += 1
    return create_body(actor, parent=parent, kind=kind, name=name, **fields)


@transaction.atomic
def load_demo(actor: SystemActor | None = None, *, records: bool = True) -> DemoResult:
    """Load (or complete) the demo county. ``records=False`` skips the ~300 demo records, which go
    through the full review workflow and take most of the time (tests of the other parts use it)."""
    actor = actor or SystemActor("演示数据")
    _check_foreign_data()
    result = DemoResult()
    c = demo.COUNTY
    county = _ensure(None, BodyKind.COUNTY, c["name"], actor, result, code=demo.body_code("11", c["org"]),
                     short_name=c["short_name"], head_name=c["head"], functions=c["functions"],
                     **_contact(c["mail"], c["phone"], c["office"], c["address"]))
    by_name = {county.name: county}
    for name, short, org, mail, number, head, functions in demo.DEPARTMENTS:
        competent = name == demo.COMPETENT_OFFICE
        office = c["office"] if competent else f"{name}办公室"
        by_name[name] = _ensure(
            county, BodyKind.DEPARTMENT, name, actor, result, code=demo.body_code("11", org), short_name=short,
            is_competent_office=competent, head_name=head, functions=functions,
            **_contact(mail, number, office, f"青山县城关镇青山大道 {int(org[-2:]) * 2 + 60} 号"),
        )
    for ti, (name, org, mail, number, head, villages) in enumerate(demo.TOWNSHIPS, start=1):
        place = name.removeprefix("青山县").removesuffix("人民政府").removesuffix("办事处")
        township = _ensure(
            county, BodyKind.TOWNSHIP, name, actor, result, code=demo.body_code("11", org), short_name=place,
            head_name=head, functions=f"负责{place}辖区内经济发展、社会事务、农业农村和基层治理工作。",
            **_contact(mail, number, f"{place}党政办公室", f"青山县{place}{place[:-1]}大道 1 号"),
        )
        by_name[name] = township
        for vi, village in enumerate(villages, start=1):
            kind_word = "居民委员会" if village.endswith("社区") else "村民委员会"
            by_name[village] = _ensure(
                township, BodyKind.VILLAGE, village, actor, result,
                code=demo.body_code("54", demo.village_org_body(ti, vi)), short_name=village,
                disclosure_office=f"{village}{kind_word}", address=f"青山县{place}{village}{kind_word}",
                postcode=demo.POSTCODE, office_hours="工作日上午 8:30—11:30，下午 14:30—17:00",
                phone=demo.phone(f"{int(number) + vi * 10}"),
            )
    for body_name, names in demo.SECTIONS:
        for section in names:
            _ensure(by_name[body_name], BodyKind.SECTION, section, actor, result)

    from gongkai.catalog.demo import ensure_demo_catalogues

    ensure_demo_catalogues(actor, by_name)

    User = get_user_model()
    password_hash = make_password(settings.GONGKAI_DEMO_PASSWORD)
    office = by_name[demo.COMPETENT_OFFICE]
    for username, full_name, role, body_name in demo.USERS:
        body = by_name[body_name]
        user = User.objects.filter(username=username).first()
        if user is None:
            user = create_person(actor, body=body, username=username, full_name=full_name,
                                 email=f"{username}@{demo.MAIL_DOMAIN}", password_hash=password_hash)
            result.created_users += 1
        if not Membership.objects.filter(user=user, body=body, role=role).exists():
            assign_role(actor, user=user, body=body, role=role)
        result.logins.append((username, full_name, role, body.name))
    username, full_name = demo.PLATFORM_USER
    if not User.objects.filter(username=username).exists():
        platform = create_person(actor, body=office, username=username, full_name=full_name,
                                 email=f"{username}@{demo.MAIL_DOMAIN}", password_hash=password_hash)
        platform.is_superuser = True
        platform.save(update_fields=["is_superuser"])
        result.created_users += 1
    result.logins.append((username, full_name, "superuser", "全平台"))

    from gongkai.portal.models import SiteSettings
    from gongkai.portal.services.site import update_site_settings
    from gongkai.portal.setup import ensure_county_site

    home = ensure_county_site(county)
    site_settings = SiteSettings.objects.get(site__root_page=home)
    update_site_settings(actor, site_settings,
                         **{k: v for k, v in demo.SITE_IDENTITY.items() if not getattr(site_settings, k)})
    from gongkai.demo.records import ensure_demo_records

    result.created_records = ensure_demo_records(actor, password_hash) if records else 0
    if records:
        from gongkai.requests.demo import ensure_demo_cases

        ensure_demo_cases()
    from gongkai.villages.demo import ensure_demo_subsidies

    ensure_demo_subsidies(actor, county)
    from gongkai.reports.demo import ensure_demo_reports

    ensure_demo_reports()
    if result.created_bodies or result.created_users or result.created_records:
        audit.record("demo.loaded", actor, county, {"bodies": result.created_bodies, "users": result.created_users,
                                                       "records": result.created_records})
    return result
