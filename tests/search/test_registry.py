"""The registry: how a model declares its entries, and the two calls a publishing service makes.
Bodies stand in for records here: any model works the same way."""

from __future__ import annotations

import pytest

from gongkai import search
from gongkai.core.models import Body
from gongkai.search import registry
from gongkai.search.models import SearchEntry


def body_document(body: Body) -> search.Document | None:
    if not body.is_active:
        return None
    return search.Document(title=body.name, text=body.functions, body_id=body.pk, doc_type=body.kind,
                           url=f"/bodies/{body.pk}/", attributes={"kind": body.kind})


@pytest.fixture
def registered(db):
    saved = dict(registry._registry)
    registry._registry.clear()
    search.register(Body, document=body_document, queryset=lambda: Body.objects.filter(kind__in=["county", "department"]))
    yield
    registry._registry.clear()
    registry._registry.update(saved)


def test_keys_are_model_label_and_pk(registered, county):
    assert search.key_for(county.dept_a) == f"core.body:{county.dept_a.pk}"
    with pytest.raises(ValueError):
        search.key_for(Body(name="未保存"))


def test_index_instance_and_remove_instance(registered, county):
    assert search.index_instance(county.dept_a) is True
    page = search.search("农业农村局")
    assert [r.key for r in page.results] == [search.key_for(county.dept_a)]
    assert page.results[0].url == f"/bodies/{county.dept_a.pk}/"
    assert search.remove_instance(county.dept_a) is True
    assert search.remove_instance(county.dept_a) is False
    assert search.search("农业农村局").total == 0


def test_document_none_removes_the_entry(registered, county):
    search.index_instance(county.dept_a)
    Body.objects.filter(pk=county.dept_a.pk).update(is_active=False)
    county.dept_a.refresh_from_db()
    assert search.index_instance(county.dept_a) is False
    assert not SearchEntry.objects.filter(key=search.key_for(county.dept_a)).exists()


def test_rebuild_indexes_the_queryset_and_sweeps_stale_entries(registered, county):
    search.index_instance(county.township_a)  # not in the queryset: swept by the rebuild
    Body.objects.filter(pk=county.dept_b.pk).update(is_active=False)
    (result,) = search.rebuild()
    assert (result.label, result.indexed, result.removed) == ("core.body", 3, 1)
    assert set(SearchEntry.objects.values_list("key", flat=True)) == {
        search.key_for(b) for b in (county.county, county.office, county.dept_a)}
    (again,) = search.rebuild([Body])
    assert (again.indexed, again.removed) == (3, 0)


def test_decorator_form_and_unregistered_models(registered, county):
    from gongkai.core.models import Membership

    with pytest.raises(LookupError):
        search.index_instance(Membership())

    @search.register(Membership)
    def membership_document(membership):
        return None

    assert registry.registration_for(Membership).document is membership_document
    assert [r.label for r in registry.registrations()] == ["core.body", "core.membership"]


def test_a_subclass_uses_the_registration_of_its_parent(registered, county):
    # As a Wagtail page subclass would: Body is not registered here, its base class is.
    from treebeard.mp_tree import MP_Node

    registry._registry.clear()
    search.register(MP_Node, document=body_document)
    assert registry.registration_for(county.dept_a).model is MP_Node
    assert search.key_for(county.dept_a) == f"{MP_Node._meta.label_lower}:{county.dept_a.pk}"
    assert search.index_instance(county.dept_a) is True
