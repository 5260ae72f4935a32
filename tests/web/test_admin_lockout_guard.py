"""Administrators cannot lock themselves out through the UI; `rbac_grant_admin` is the recovery."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from rbac.models import Permission, Role
from tests.factories import UserFactory
from web.demo import seed_all
from web.demo.roles import ADMIN_ROLE
from web.models import UserInfo

pytestmark = pytest.mark.django_db

GUARDED = "rbac:distribute_permissions"
REFUSAL = "没有人能再打开权限分配页面"


@pytest.fixture
def admin_client(client):
    seed_all()
    admin = UserInfo.objects.get(username="admin")
    client.force_login(admin)
    return client, admin


def _holders() -> set[str]:
    return set(
        UserInfo.objects.filter(is_active=True, roles__permissions__name=GUARDED).values_list("username", flat=True)
    )


def test_the_only_admin_cannot_remove_their_own_admin_role(admin_client):
    client, admin = admin_client
    response = client.post(reverse("rbac:distribute_permissions") + f"?uid={admin.pk}", {"roles": []}, follow=True)
    assert REFUSAL in response.content.decode()
    assert admin.roles.filter(title=ADMIN_ROLE).exists()
    assert client.get(reverse("rbac:distribute_permissions")).status_code == 200


def test_the_admin_role_cannot_be_emptied_while_it_is_the_only_way_in(admin_client):
    client, _admin = admin_client
    role = Role.objects.get(title=ADMIN_ROLE)
    count = role.permissions.count()
    response = client.post(reverse("rbac:distribute_permissions") + f"?rid={role.pk}", {"permissions": []})
    assert REFUSAL in response.content.decode()
    assert role.permissions.count() == count


def test_the_admin_role_cannot_be_deleted_while_it_is_the_only_way_in(admin_client):
    client, _admin = admin_client
    role = Role.objects.get(title=ADMIN_ROLE)
    response = client.post(reverse("rbac:role_delete", kwargs={"pk": role.pk}), follow=True)
    assert REFUSAL in response.content.decode()
    assert Role.objects.filter(pk=role.pk).exists()


def test_the_assignment_pages_permission_cannot_be_deleted_or_renamed(admin_client):
    client, _admin = admin_client
    permission = Permission.objects.get(name=GUARDED)
    response = client.post(reverse("rbac:permission_delete", kwargs={"pk": permission.pk}), follow=True)
    assert REFUSAL in response.content.decode()
    assert Permission.objects.filter(name=GUARDED).exists()
    data = {"title": permission.title, "name": "rbac:renamed", "url": permission.url}
    response = client.post(reverse("rbac:permission_change", kwargs={"pk": permission.pk}), data)
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert Permission.objects.filter(name=GUARDED).exists()


def test_an_admin_may_drop_their_own_role_while_another_admin_keeps_the_page(admin_client):
    client, admin = admin_client
    UserFactory(username="admin2").roles.add(Role.objects.get(title=ADMIN_ROLE))
    client.post(reverse("rbac:distribute_permissions") + f"?uid={admin.pk}", {"roles": []})
    assert _holders() == {"admin2"}


def test_the_last_admin_cannot_be_deactivated_by_a_staff_manager(client):
    seed_all()
    admin = UserInfo.objects.get(username="admin")
    manager = UserFactory(username="hr1")
    from tests.permissions import grant_permissions

    grant_permissions(manager, "stark:web_userinfo_delete", "stark:web_userinfo_list")
    client.force_login(manager)
    response = client.post(reverse("stark:web_userinfo_delete", kwargs={"pk": admin.pk}), follow=True)
    assert REFUSAL in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_rbac_grant_admin_restores_the_assignment_page_after_a_lockout_made_outside_the_ui(client, capsys):
    seed_all()
    Role.objects.get(title=ADMIN_ROLE).delete()  # e.g. a database edit: nobody holds the page now
    Permission.objects.filter(name=GUARDED).delete()
    assert _holders() == set()
    admin = UserInfo.objects.get(username="admin")
    admin.is_active = False
    admin.save()
    call_command("rbac_grant_admin", "admin")
    assert "admin" in capsys.readouterr().out
    assert _holders() == {"admin"}
    admin.refresh_from_db()
    client.force_login(admin)
    assert client.get(reverse("rbac:distribute_permissions")).status_code == 200
    call_command("rbac_grant_admin", "admin")  # safe to run again
    assert _holders() == {"admin"}


def test_rbac_grant_admin_names_an_unknown_user():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nobody"):
        call_command("rbac_grant_admin", "nobody")
