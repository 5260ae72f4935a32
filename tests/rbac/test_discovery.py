"""Discovery of named URLs in a nested URLconf and the three sync sets."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from rbac.models import Permission, Role
from rbac.services import discovery
from tests.rbac.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.rbac.urls")]


def test_discovery_walks_nested_includes_with_namespaces_and_skips_unnamed():
    found = discovery.discover_urls()
    assert found["demo:item_list"].url == "/demo/items/"
    assert found["demo:item_detail"].url == "/demo/items/<int:pk>/"
    assert found["demo:reports:summary"].url == "/demo/reports/summary/"
    assert all(not name.endswith("raw") for name in found)
    # whitelisted and login-only names are not permissions
    assert "login" not in found and "home" not in found


def test_discovery_exclusions_are_prefixes_of_names():
    assert "demo:reports:summary" not in discovery.discover_urls(exclude=["demo:reports:"])
    with override_settings(RBAC_DISCOVERY_EXCLUDE=["demo:"]):
        assert not any(name.startswith("demo:") for name in discovery.discover_urls())


def test_plan_has_the_add_update_and_delete_sets():
    Permission.objects.create(title="List", name="demo:item_list", url="/demo/items/")  # unchanged
    moved = Permission.objects.create(title="Add", name="demo:item_add", url="/demo/old/add/")
    stale = Permission.objects.create(title="Gone", name="demo:item_gone", url="/demo/gone/")
    plan = discovery.plan_sync()
    added = {item.name for item in plan.to_add}
    assert {"demo:item_detail", "demo:reports:summary"} <= added
    assert "demo:item_list" not in added
    assert [(row.pk, item.url) for row, item in plan.to_update] == [(moved.pk, "/demo/items/add/")]
    assert [row.pk for row in plan.to_delete] == [stale.pk]


def test_sync_applies_the_plan_and_bumps_every_user():
    user = UserFactory()
    Permission.objects.create(title="Add", name="demo:item_add", url="/demo/old/add/")
    Permission.objects.create(title="Gone", name="demo:item_gone", url="/demo/gone/")
    result = discovery.permissions_sync()
    assert result.updated == 1 and result.deleted == 1 and result.added >= 3
    assert Permission.objects.get(name="demo:item_add").url == "/demo/items/add/"
    assert not Permission.objects.filter(name="demo:item_gone").exists()
    assert discovery.plan_sync().is_empty
    user.refresh_from_db()
    assert user.rbac_version == 1


def test_apply_is_atomic():
    Permission.objects.create(title="Taken", name="demo:item_list", url="/demo/items/")
    with pytest.raises(Exception):  # noqa: B017 - the unique name violation, whatever the backend calls it
        discovery.permissions_apply(
            to_add=[
                {"name": "demo:new", "title": "New", "url": "/x/"},
                {"name": "demo:item_list", "title": "Dup", "url": "/y/"},
            ]
        )
    assert not Permission.objects.filter(name="demo:new").exists()


def test_deleting_a_permission_through_sync_removes_it_from_roles():
    stale = Permission.objects.create(title="Gone", name="demo:item_gone", url="/demo/gone/")
    role = Role.objects.create(title="r")
    role.permissions.add(stale)
    discovery.permissions_sync()
    assert role.permissions.count() == 0


def test_command_dry_run_prints_the_sets_and_changes_nothing():
    Permission.objects.create(title="Gone", name="demo:item_gone", url="/demo/gone/")
    out = io.StringIO()
    call_command("rbac_sync_permissions", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "+ demo:item_list  /demo/items/" in text
    assert "- demo:item_gone" in text
    assert Permission.objects.count() == 1


def test_command_applies_without_dry_run():
    out = io.StringIO()
    call_command("rbac_sync_permissions", stdout=out)
    assert Permission.objects.filter(name="demo:reports:summary", url="/demo/reports/summary/").exists()


@pytest.mark.skipif("stark" not in settings.INSTALLED_APPS, reason="the CRM's project with stark")
@pytest.mark.urls("luffy_crm.urls")
def test_discovery_finds_stark_generated_urls_and_the_rbac_pages():
    found = discovery.discover_urls()
    assert found["stark:testapp_book_change"].url == "/stark/testapp/book/<int:pk>/change/"
    assert found["stark:testapp_book_multi_delete"].url == "/stark/testapp/book/list/multi_delete/"
    assert found["rbac:distribute_permissions"].url == "/rbac/distribute/permissions/"
