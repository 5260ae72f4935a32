"""The login-time load: the user's permissions and menu in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rbac.models import Menu, Permission, Role
from rbac.services.access import SESSION_KEY, build_snapshot
from tests.permissions import grant_permissions
from tests.rbac.factories import DEFAULT_TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _user_with_permissions(count: int):
    menus = [Menu.objects.create(title=f"menu {i}", order=i) for i in range(5)]
    entries = [
        Permission.objects.create(title=f"entry {i}", name=f"p:entry_{i}", menu=menus[i % 5]) for i in range(count // 2)
    ]
    children = [
        Permission.objects.create(title=f"child {i}", name=f"p:child_{i}", parent=entries[i % len(entries)])
        for i in range(count - len(entries))
    ]
    first, second = Role.objects.create(title="first"), Role.objects.create(title="second")
    first.permissions.set(entries + children[:5])
    second.permissions.set(children)  # overlaps with the first: the union counts each once
    user = UserFactory()
    user.roles.set([first, second])
    return user


@pytest.mark.parametrize("count", [10, 200])
def test_snapshot_takes_one_query_whatever_the_number_of_permissions(count, django_assert_num_queries):
    user = _user_with_permissions(count)
    with django_assert_num_queries(1):
        snapshot = build_snapshot(user)
    assert len(snapshot["permissions"]) == count
    assert sum(len(m["entries"]) for m in snapshot["menus"]) == count // 2
    assert [m["title"] for m in snapshot["menus"]] == [f"menu {i}" for i in range(5)]


def _login_queries(client, user) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(reverse("login"), {"username": user.username, "password": DEFAULT_TEST_PASSWORD})
    assert response.status_code == 302
    return len(ctx.captured_queries)


def test_login_costs_the_same_queries_for_10_and_200_permissions(client):
    small = _login_queries(client, _user_with_permissions(10))
    client.logout()
    Permission.objects.all().delete()
    Menu.objects.all().delete()
    Role.objects.all().delete()
    large = _login_queries(client, _user_with_permissions(200))
    assert small == large


def test_login_stores_permissions_menus_and_version_in_the_session(client):
    user = _user_with_permissions(10)
    client.post(reverse("login"), {"username": user.username, "password": DEFAULT_TEST_PASSWORD})
    snapshot = client.session[SESSION_KEY]
    user.refresh_from_db()
    assert snapshot["version"] == user.rbac_version
    assert set(snapshot["permissions"]) == set(Permission.objects.values_list("name", flat=True))
    record = snapshot["permissions"]["p:child_0"]
    assert record["parent_name"] == "p:entry_0" and record["menu_id"] is None


@pytest.mark.urls("tests.rbac.urls")
def test_a_request_with_a_current_session_adds_no_rbac_query(client, django_assert_num_queries):
    user = UserFactory()
    grant_permissions(user, "demo:item_list")
    client.force_login(user)
    assert client.get("/demo/items/").status_code == 200  # loads the snapshot
    # the session row and the user row (which carries rbac_version); nothing from rbac
    with django_assert_num_queries(2):
        assert client.get("/demo/items/").status_code == 200


def test_a_request_keeps_its_snapshot_for_its_user_and_drops_it_at_logout(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    from rbac.services.access import get_snapshot, has_permission

    user = _user_with_permissions(10)
    request = rf.get("/")
    request.session, request.user = SessionStore(), user
    first = get_snapshot(request)
    assert has_permission(request, "p:entry_0")
    assert get_snapshot(request) is first  # kept for the request
    request.user = AnonymousUser()  # what logout() does to the request
    assert get_snapshot(request) is None
    assert not has_permission(request, "p:entry_0")
