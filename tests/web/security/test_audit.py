"""The audit trail: who did what, when, from which address; read-only page for the administrator."""

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import NoReverseMatch, reverse

from rbac.models import Permission, Role
from tests.factories import DEFAULT_TEST_PASSWORD, ClassChangeFactory, CustomerFactory, UserFactory
from tests.web.handlers.base_pages import login_with
from web.demo import seed_all
from web.models import UserInfo
from web.services.class_changes import class_change_reject
from web.services.staff import staff_set_password

pytestmark = pytest.mark.django_db


def _events(kind):
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__event=kind)


def test_logins_failures_and_the_lockout_are_recorded_with_the_address():
    user = UserFactory(username="alice")
    client = Client(REMOTE_ADDR="203.0.113.4")
    client.post(reverse("login"), {"username": "alice", "password": DEFAULT_TEST_PASSWORD})
    login = _events("login").get()
    assert (login.actor, login.remote_addr) == (user, "203.0.113.4")
    attacker = Client(REMOTE_ADDR="198.51.100.66")
    for i in range(5):
        attacker.post(reverse("login"), {"username": "bob", "password": f"guess{i}"}, HTTP_X_FORWARDED_FOR="10.1.1.1")
    failures = _events("login_failed")
    assert failures.count() == 5
    assert set(failures.values_list("object_repr", "remote_addr")) == {("bob", "198.51.100.66")}
    lockout = _events("lockout").get()
    assert (lockout.object_repr, lockout.remote_addr) == ("bob", "198.51.100.66")


def test_a_customer_edit_is_recorded_with_the_field_actor_and_address(client):
    ops = UserFactory(username="ops9")
    customer = CustomerFactory(name="张三", qq="12345678")
    login_with(client, ops, "stark:web_customer_pub_change")
    data = {"name": "张三丰", "qq": "12345678", "gender": customer.gender, "source": customer.source}
    data.update(date=str(customer.date))
    response = client.post(
        reverse("stark:web_customer_pub_change", kwargs={"pk": customer.pk}), data, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 302, response.context["form"].errors
    entry = LogEntry.objects.get_for_object(customer).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == ops
    assert entry.remote_addr == "203.0.113.9"
    assert entry.changes_dict["name"] == ["张三", "张三丰"]


def test_role_permission_and_user_role_changes_are_recorded():
    role = Role.objects.create(title="审计测试")
    permission = Permission.objects.create(title="t", name="stark:x_list", url="/x/")
    role.permissions.add(permission)
    user = UserFactory()
    user.roles.add(role)
    assert LogEntry.objects.get_for_object(role).filter(changes_text__isnull=False).exists()
    role_entries = LogEntry.objects.get_for_object(role)
    assert any("permissions" in (e.changes_dict or {}) for e in role_entries)
    assert any("roles" in (e.changes_dict or {}) for e in LogEntry.objects.get_for_object(user))


def test_a_password_reset_is_recorded_without_the_hash():
    user = UserFactory(username="carol")
    staff_set_password(user=user, password="Another-Secret-2026")
    assert _events("password_reset").filter(object_pk=str(user.pk)).exists()
    user.refresh_from_db()
    for entry in LogEntry.objects.get_for_object(user):
        assert user.password not in str(entry.changes) + entry.changes_text + str(entry.serialized_data)


def test_class_change_decisions_are_recorded():
    admin = UserFactory()
    change = ClassChangeFactory()
    class_change_reject(confirm_user=admin, change_ids=[change.pk])
    entry = _events("class_change_rejected").get()
    assert (entry.actor, entry.object_pk) == (admin, str(change.pk))


def test_the_admin_filters_the_audit_page_and_nothing_there_can_be_changed(client):
    seed_all()
    Client(REMOTE_ADDR="203.0.113.50").post(reverse("login"), {"username": "mallory", "password": "x"})
    admin = UserInfo.objects.get(username="admin")
    client.force_login(admin)
    url = reverse("stark:auditlog_logentry_list")
    page = client.get(url, {"event": "login_failed"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "mallory" in html and "203.0.113.50" in html
    assert len(page.context["rows"]) == 1
    assert client.get(url, {"q": "203.0.113.50"}).context["rows"]
    # Unfiltered: field changes (the seed's users, roles) are listed with field labels.
    rows = client.get(url, {"action": "1"}).context["rows"]
    assert any("角色: add" in str(cell) for row in rows for cell in row)
    count = LogEntry.objects.count()
    response = client.post(url, {"action": "multi_delete", "pk": list(LogEntry.objects.values_list("pk", flat=True))})
    assert response.status_code == 302
    assert LogEntry.objects.count() >= count
    for name in ("add", "change", "delete", "multi_delete"):
        with pytest.raises(NoReverseMatch):
            reverse(f"stark:auditlog_logentry_{name}", kwargs={"pk": 1} if name in ("change", "delete") else None)


def test_other_roles_cannot_open_the_audit_page(client):
    seed_all()
    for username in ("manager1", "consultant1", "finance1", "teacher1", "ops1"):
        client.force_login(UserInfo.objects.get(username=username))
        assert client.get(reverse("stark:auditlog_logentry_list")).status_code == 403
