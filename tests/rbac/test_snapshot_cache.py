"""rbac snapshots shared through the cache (RBAC_SNAPSHOT_CACHE), keyed by the version stamp."""

import pytest
from django.core.cache import cache
from django.test import Client

from rbac.models import Permission
from rbac.services.access import snapshot_cache_key

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.rbac.urls")]


@pytest.fixture(autouse=True)
def snapshot_cache(settings):
    settings.RBAC_SNAPSHOT_CACHE = "default"
    cache.clear()
    yield
    cache.clear()


def test_a_second_session_of_the_user_reuses_the_cached_snapshot(clerk, demo_menu, role_with):
    clerk.roles.add(role_with(demo_menu["entry"]))
    office, laptop = Client(), Client()
    office.force_login(clerk)
    assert office.get("/demo/items/").status_code == 200
    clerk.refresh_from_db()
    assert cache.get(snapshot_cache_key(clerk))["permissions"].keys() == {"demo:item_list"}

    laptop.force_login(clerk)
    # The second login takes the snapshot from the cache, not from the database.
    Permission.objects.filter(name="demo:item_list").update(title="renamed behind the cache's back")
    assert laptop.get("/demo/items/").status_code == 200
    assert laptop.session["rbac"]["permissions"]["demo:item_list"]["title"] == "Item list"


def test_a_role_change_is_not_hidden_by_the_cached_snapshot(clerk, demo_menu, role_with):
    role = role_with(demo_menu["entry"])
    clerk.roles.add(role)
    client = Client()
    client.force_login(clerk)
    assert client.get("/demo/items/add/").status_code == 403
    role.permissions.add(demo_menu["add"])  # bumps the stamp: a new cache key
    assert client.get("/demo/items/add/").status_code == 200
    role.permissions.remove(demo_menu["add"])
    assert client.get("/demo/items/add/").status_code == 403
