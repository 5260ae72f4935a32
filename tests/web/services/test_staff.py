"""Staff service: hashed passwords, password reset, delete or deactivate."""

import pytest
from django.contrib.auth import authenticate
from django.http import HttpRequest

from tests.factories import (
    ClassChangeFactory,
    ClassListFactory,
    ConsultRecordFactory,
    CustomerFactory,
    DepartmentFactory,
    UserFactory,
)
from web.models import Customer, Department, UserInfo
from web.services.staff import staff_create, staff_has_records, staff_remove, staff_set_password, staff_update

pytestmark = pytest.mark.django_db


def test_staff_create_hashes_the_password():
    depart = DepartmentFactory(title="运营部", kind=Department.Kind.OPERATIONS)
    user = staff_create(username="zhaoyun", password="Spring-rain-2026", name="赵云", depart=depart)
    stored = UserInfo.objects.get(pk=user.pk)
    assert "Spring-rain-2026" not in stored.password
    assert stored.check_password("Spring-rain-2026")
    assert stored.is_active
    assert stored.depart == depart


def test_after_a_reset_only_the_new_password_logs_in(client):
    user = UserFactory(username="zhaoyun", password="Old-password-2025")
    staff_set_password(user=user, password="New-password-2026")
    assert authenticate(HttpRequest(), username="zhaoyun", password="Old-password-2025") is None
    assert authenticate(HttpRequest(), username="zhaoyun", password="New-password-2026") == user
    assert client.login(request=HttpRequest(), username="zhaoyun", password="New-password-2026")


def test_a_reset_ends_the_users_open_sessions(client):
    user = UserFactory(username="zhaoyun", password="Old-password-2025")
    client.force_login(user)
    assert client.get("/").status_code == 200
    staff_set_password(user=user, password="New-password-2026")
    assert client.get("/").status_code == 302  # back to the login page


def test_a_user_without_records_is_deleted():
    user = UserFactory()
    result = staff_remove(user=user)
    assert result.deleted and not result.deactivated
    assert not UserInfo.objects.filter(pk=user.pk).exists()


@pytest.mark.parametrize(
    "make_record",
    [
        lambda user: CustomerFactory(consultant=user),
        lambda user: ConsultRecordFactory(consultant=user),
        lambda user: ClassListFactory(class_teacher=user),
        lambda user: ClassListFactory().tech_teachers.add(user),
        lambda user: ClassChangeFactory(applicant=user),
    ],
    ids=["consultant-of-a-customer", "follow-up", "class-teacher", "teacher", "class-change-applicant"],
)
def test_a_user_with_business_records_is_deactivated_not_deleted(make_record):
    user = UserFactory()
    make_record(user)
    assert staff_has_records(user=user)
    result = staff_remove(user=user)
    assert result.deactivated and not result.deleted
    user.refresh_from_db()
    assert user.is_active is False


def test_deactivating_keeps_the_records_pointing_at_the_user():
    user = UserFactory()
    customer = CustomerFactory(consultant=user)
    staff_remove(user=user)
    assert Customer.objects.get(pk=customer.pk).consultant_id == user.pk


def test_nobody_removes_their_own_account():
    admin = UserFactory()
    result = staff_remove(user=admin, acting_user=admin)
    assert result.refused_self
    admin.refresh_from_db()
    assert admin.is_active


def test_an_edit_does_not_undo_a_password_reset_or_role_change_made_meanwhile():
    user = UserFactory(username="li", name="李雷")
    being_edited = UserInfo.objects.get(pk=user.pk)  # the edit page read the row here
    staff_set_password(user=UserInfo.objects.get(pk=user.pk), password="N3w-secret-pass")
    UserInfo.objects.filter(pk=user.pk).update(rbac_version=7)

    being_edited.name = "李雷雷"
    staff_update(user=being_edited, fields=["name"])

    user.refresh_from_db()
    assert user.name == "李雷雷"
    assert user.check_password("N3w-secret-pass")
    assert user.rbac_version == 7
