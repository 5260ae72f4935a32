import pytest
from django.apps import apps

from stark.sites import site
from tests.stark import permission_hooks


def all_testapp_url_names() -> list[str]:
    names = []
    for handler in site.handlers:
        if handler.opts.app_label == "testapp":
            names += [f"stark:{pattern.name}" for pattern in handler.get_urls()]
    return names


def grant_all_testapp_pages(user) -> None:
    """Let ``user`` open every page of the test app: through rbac when the CRM's project runs the tests."""
    if apps.is_installed("rbac"):
        from tests.permissions import grant_permissions

        grant_permissions(user, *all_testapp_url_names())


@pytest.fixture(autouse=True)
def english(settings):
    # Assertions read English; translations have their own test.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def stark_client(client, user):
    """A logged-in user holding every URL name of the test app's stark pages.

    Alone (tests/standalone), stark has no permission hook and allows every page.
    """
    grant_all_testapp_pages(user)
    client.force_login(user)
    return client


@pytest.fixture
def deny(settings):
    """Make the permission hook refuse the given URL names: ``deny("stark:testapp_book_add")``."""
    settings.STARK_PERMISSION_CHECK = "tests.stark.permission_hooks.deny_listed"
    permission_hooks.DENIED.clear()
    yield permission_hooks.DENIED.update
    permission_hooks.DENIED.clear()
