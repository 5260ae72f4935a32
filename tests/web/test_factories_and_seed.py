import pytest
from django.core.management import call_command

from tests import factories
from web.models import ClassList, UserInfo

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory_class",
    [
        factories.ConsultRecordFactory,
        factories.PaymentRecordFactory,
        factories.ScoreRecordFactory,
        factories.StudyRecordFactory,
        factories.TalkRecordFactory,
        factories.ClassChangeFactory,
    ],
)
def test_factories_build_valid_rows(factory_class):
    obj = factory_class()
    obj.full_clean()


def test_seed_demo_creates_the_demo_users_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", password="Demo-pass-2026")
    call_command("seed_demo", password="Demo-pass-2026", reset=True)
    usernames = set(UserInfo.objects.values_list("username", flat=True))
    assert {"admin", "manager1", "consultant1", "consultant2", "ops1", "finance1", "teacher1"} <= usernames
    assert UserInfo.objects.filter(username="admin").count() == 1
    assert UserInfo.objects.get(username="consultant1").check_password("Demo-pass-2026")
    assert ClassList.objects.count() == 6


def test_seed_demo_again_keeps_a_changed_password_unless_reset(settings):
    settings.DEBUG = True
    call_command("seed_demo", password="Demo-pass-2026")
    user = UserInfo.objects.get(username="consultant1")
    user.set_password("Mine-now-2026")
    user.save()
    call_command("seed_demo", password="Demo-pass-2026")  # what `make run` does on every start
    assert UserInfo.objects.get(username="consultant1").check_password("Mine-now-2026")
    call_command("seed_demo", password="Demo-pass-2026", reset=True)  # `make demo`
    assert UserInfo.objects.get(username="consultant1").check_password("Demo-pass-2026")


def test_seed_demo_prints_the_address_it_was_given(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo", address="http://0.0.0.0:8301")
    call_command("seed_demo", address="http://0.0.0.0:8301")
    out = capsys.readouterr().out
    assert out.count("http://0.0.0.0:8301/login/") == 2 and "127.0.0.1:8000" not in out


def test_seed_demo_refuses_with_debug_off(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo")
    assert not UserInfo.objects.exists()


def test_grant_permissions_gives_the_user_a_role_holding_the_names():
    from tests.permissions import grant_permissions

    user = factories.UserFactory()
    before = user.rbac_version
    grant_permissions(user, "stark:web_school_list", "stark:web_school_add")
    names = set(user.roles.values_list("permissions__name", flat=True))
    assert names == {"stark:web_school_list", "stark:web_school_add"}
    assert user.rbac_version == before + 1
