"""The CRM's page-wide cells (``make_cell``: customer names, follow-up and payment links, stark's
ticks and edit links) give exactly what their display functions give, on every list each demo
role opens, with and without a list state to carry."""

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from stark.sites import site
from tests.page_cells import page_cells_differences
from web.demo import seed_all

pytestmark = pytest.mark.django_db


def _list_urls() -> list[str]:
    urls = []
    for handler in site.handlers:
        if "list" not in handler.pages:
            continue
        try:
            urls.append(reverse(handler.full_url_name(handler.get_list_url_name())))
        except NoReverseMatch:
            continue  # a nested list: it needs its parent's id
    return urls


@pytest.mark.parametrize("username", ["consultant1", "manager1", "finance1", "teacher1", "admin"])
def test_page_cells_equal_their_functions_on_every_list(username):
    users = seed_all()
    browser = Client()
    browser.force_login(users[username])
    compared = 0
    for url in _list_urls():
        for query in ("", "?o=-id&page=1"):
            response = browser.get(url + query)
            if response.status_code != 200 or response.context is None or "changelist" not in response.context:
                continue
            columns, differences = page_cells_differences(response.context["changelist"])
            assert differences == [], url + query
            compared += columns
    assert compared > 0
