"""rbac stands on its own: its pages guard themselves, and checks say what the host must provide."""

import pytest
from django.conf import settings
from django.core import checks
from django.test import override_settings
from django.urls import reverse

from rbac.checks import check_base_template, check_home_url, check_middleware, check_user_model
from rbac.models import Role
from tests.permissions import grant_permissions
from tests.rbac.factories import UserFactory
from tests.rbac.test_pages import RBAC_PAGES

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.rbac.urls")]

WITHOUT_RBAC_MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "rbac.middleware.RbacMiddleware"]


def page_url(name: str) -> str:
    return reverse(name, kwargs={"pk": 1}) if "change" in name or "delete" in name else reverse(name)


@override_settings(MIDDLEWARE=WITHOUT_RBAC_MIDDLEWARE)
@pytest.mark.parametrize("name", RBAC_PAGES)
def test_without_the_middleware_anonymous_users_are_sent_to_login(client, name):
    response = client.get(page_url(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@override_settings(MIDDLEWARE=WITHOUT_RBAC_MIDDLEWARE)
@pytest.mark.parametrize("name", RBAC_PAGES)
def test_without_the_middleware_a_user_without_the_permission_is_refused(client, name):
    client.force_login(UserFactory(username="clerk"))
    assert client.get(page_url(name)).status_code == 403
    assert client.post(page_url(name), {"title": "intruders"}).status_code == 403
    assert not Role.objects.filter(title="intruders").exists()


@override_settings(MIDDLEWARE=WITHOUT_RBAC_MIDDLEWARE)
def test_without_the_middleware_the_permission_opens_the_page(client):
    user = UserFactory(username="boss")
    grant_permissions(user, "rbac:role_list", "rbac:role_add")
    client.force_login(user)
    assert client.get(reverse("rbac:role_list")).status_code == 200
    assert client.post(reverse("rbac:role_add"), {"title": "cashier"}).status_code == 302
    assert Role.objects.filter(title="cashier").exists()
    assert client.get(reverse("rbac:menu_list")).status_code == 403


def test_the_host_passes_every_check():
    assert check_user_model() + check_middleware() + check_home_url() + check_base_template() == []


def test_a_missing_middleware_is_a_warning_naming_the_fix():
    with override_settings(MIDDLEWARE=WITHOUT_RBAC_MIDDLEWARE):
        (message,) = check_middleware()
    assert message.id == "rbac.W001" and message.level == checks.WARNING
    assert "AuthenticationMiddleware" in message.hint


def test_the_middleware_before_authentication_is_an_error():
    reordered = ["rbac.middleware.RbacMiddleware", *WITHOUT_RBAC_MIDDLEWARE]
    with override_settings(MIDDLEWARE=reordered):
        (message,) = check_middleware()
    assert message.id == "rbac.E002"


@pytest.mark.urls("tests.rbac.urls_without_home")
def test_a_project_without_a_home_url_is_told_to_name_one():
    (message,) = check_home_url()
    assert message.id == "rbac.E003" and "name='home'" in message.hint


def test_a_project_without_base_html_is_told_which_blocks_to_provide(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False}]
    (message,) = check_base_template()
    assert message.id == "rbac.E004" and "rbac_menu" in message.hint


def test_a_user_model_without_the_mixin_is_an_error(settings):
    settings.AUTH_USER_MODEL = "auth.User"
    (message,) = check_user_model()
    assert message.id == "rbac.E001" and "RbacUserMixin" in message.hint
