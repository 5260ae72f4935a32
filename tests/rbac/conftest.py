import pytest
from django.conf import settings

from rbac.models import Menu, Permission, Role
from tests.rbac.factories import UserFactory

# Alone (tests/standalone/rbac_settings.py) there is no stark to integrate with.
collect_ignore = [] if "stark" in settings.INSTALLED_APPS else ["test_stark_integration.py"]


@pytest.fixture
def demo_menu(db):
    """A menu "Items" with the entry demo:item_list and its child pages add and detail."""
    menu = Menu.objects.create(title="Items", icon="fa-cube", order=1)
    entry = Permission.objects.create(title="Item list", name="demo:item_list", url="/demo/items/", menu=menu)
    add = Permission.objects.create(title="Add item", name="demo:item_add", url="/demo/items/add/", parent=entry)
    detail = Permission.objects.create(
        title="Item detail", name="demo:item_detail", url="/demo/items/<int:pk>/", parent=entry
    )
    return {"menu": menu, "entry": entry, "add": add, "detail": detail}


@pytest.fixture
def role_with(db):
    def make(*permissions, title="clerk"):
        role = Role.objects.create(title=title)
        role.permissions.set(permissions)
        return role

    return make


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk")
