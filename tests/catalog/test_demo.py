"""The demo catalogues: each demo department and township compiles its areas, idempotently and fast."""

import time

from gongkai.catalog.demo import DEPARTMENT_AREAS, NOT_INVOLVED, TOWNSHIP_AREAS, ensure_demo_catalogues
from gongkai.catalog.models import AreaStatus, Catalogue, CatalogueArea, CatalogueItem, CatalogueStatus
from gongkai.core.actors import SystemActor
from gongkai.core.models import AuditEvent, BodyKind
from gongkai.core.services.bodies import create_body
from tests.conftest import code


def test_demo_catalogues(county):
    actor = SystemActor("演示数据")
    bodies = {"青山县农业农村局": create_body(actor, parent=county.county, kind=BodyKind.DEPARTMENT,
                                        name="青山县农业农村局", code=code(201)),
              "青山县民政局": create_body(actor, parent=county.county, kind=BodyKind.DEPARTMENT, name="青山县民政局",
                                     code=code(202)),
              "青山县城关镇人民政府": create_body(actor, parent=county.county, kind=BodyKind.TOWNSHIP,
                                          name="青山县城关镇人民政府", code=code(203)),
              "青山县白河镇人民政府": create_body(actor, parent=county.county, kind=BodyKind.TOWNSHIP,
                                          name="青山县白河镇人民政府", code=code(204)),
              "青山县审计局": create_body(actor, parent=county.county, kind=BodyKind.DEPARTMENT, name="青山县审计局",
                                     code=code(205))}
    started = time.monotonic()
    result = ensure_demo_catalogues(actor, bodies)
    assert time.monotonic() - started < 5
    assert result.bodies == 4  # the audit office compiles nothing in the demo
    agriculture = CatalogueArea.objects.filter(catalogue__body=bodies["青山县农业农村局"])
    assert set(agriculture.values_list("area__code", flat=True)) == set(DEPARTMENT_AREAS["青山县农业农村局"])
    town = bodies["青山县城关镇人民政府"]
    decisions = dict(CatalogueArea.objects.filter(catalogue__body=town).values_list("area__code", "status"))
    assert {c for c, s in decisions.items() if s == AreaStatus.ADOPTED} == set(TOWNSHIP_AREAS)
    assert decisions[NOT_INVOLVED[0]] == AreaStatus.NOT_INVOLVED
    assert CatalogueArea.objects.get(catalogue__body=town, area__code="taxation").reason == NOT_INVOLVED[1]
    town_items = CatalogueItem.objects.for_body(town)
    assert town_items.filter(is_local=True).count() == 1
    assert not town_items.filter(level_township=False).exists()  # 乡级 items only
    assert not CatalogueItem.objects.for_body(bodies["青山县民政局"]).filter(level_county=False).exists()
    assert Catalogue.objects.get(body=town).status == CatalogueStatus.FINALISED
    assert Catalogue.objects.get(body=bodies["青山县白河镇人民政府"]).status == CatalogueStatus.DRAFT

    n_items, n_events = CatalogueItem.objects.count(), AuditEvent.objects.count()
    again = ensure_demo_catalogues(actor, list(bodies.values()))
    assert (again.areas_adopted, again.items_created) == (0, 0)
    assert (CatalogueItem.objects.count(), AuditEvent.objects.count()) == (n_items, n_events)
