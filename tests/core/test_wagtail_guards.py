"""Wagtail admin views that crashed on crafted requests (core/wagtail_guards.py): no 500."""

from __future__ import annotations

from django.urls import reverse
from wagtail.models import Page

from gongkai.portal.setup import ensure_county_site


def test_the_root_page_answers_404_for_everyone(client, superuser, county):
    root = Page.get_first_root_node()
    url = reverse("wagtailadmin_pages:set_page_position", args=[root.pk])
    assert url == f"/admin/pages/{root.pk}/set_position/"
    client.force_login(superuser)
    assert client.post(url + "?position=0").status_code == 404
    assert client.get(url).status_code == 404
    client.logout()
    assert client.post(url).status_code == 302  # signed out: to the sign-in page, as for any admin URL


def test_other_pages_are_still_reordered_by_wagtail(client, superuser, county):
    home = ensure_county_site(county.county)
    children = list(home.get_children())
    assert len(children) >= 2
    last = children[-1]
    client.force_login(superuser)
    response = client.post(reverse("wagtailadmin_pages:set_page_position", args=[last.pk]) + "?position=0")
    assert response.status_code == 200
    assert home.get_children().first().pk == last.pk


def test_the_external_link_chooser_refuses_a_post_without_its_url(client, superuser):
    url = reverse("wagtailadmin_choose_page_external_link")
    assert url == "/admin/choose-external-link/"
    client.force_login(superuser)
    refused = client.post(url, {})
    assert refused.status_code == 400 and "请填写链接地址" in refused.content.decode()
    assert client.get(url).status_code == 200
    chosen = client.post(url, {"external-link-chooser-url": "https://www.gov.cn/", "external-link-chooser-link_text": "中国政府网"})
    assert chosen.status_code == 200 and "https://www.gov.cn/" in chosen.content.decode()
    invalid = client.post(url, {"external-link-chooser-url": ""})
    assert invalid.status_code == 200  # Wagtail's own form, with its error
