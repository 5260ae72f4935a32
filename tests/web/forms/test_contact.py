"""QQ and mobile numbers are checked where people type them: a clear error, and the input kept."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import ClassListFactory, CustomerFactory, UserFactory
from tests.permissions import grant_permissions
from tests.web.handlers.enrolment_helpers import class_teacher, student_in_class
from web.forms.contact import mobile_validator, qq_validator

pytestmark = pytest.mark.django_db

QQ_ERROR = "请输入 QQ 号：5 到 12 位数字。"
MOBILE_ERROR = "请输入 11 位手机号，例如 13800138000。"


@pytest.mark.parametrize("qq", ["10001", "215301770", "123456789012"])
def test_real_qq_numbers_pass(qq):
    qq_validator(qq)


@pytest.mark.parametrize("qq", ["abc", "1234", "012345", "1234567890123", "12345 ", "１２３４５６"])
def test_other_qq_values_fail(qq):
    with pytest.raises(ValidationError) as error:
        qq_validator(qq)
    assert error.value.code == "qq"


@pytest.mark.parametrize("mobile", ["13800138000", "+8613800138000", "86 13800138000"])
def test_mainland_mobile_numbers_pass(mobile):
    mobile_validator(mobile)


@pytest.mark.parametrize("mobile", ["abc", "1380013800", "23800138000", "138001380000"])
def test_other_mobile_values_fail(mobile):
    with pytest.raises(ValidationError) as error:
        mobile_validator(mobile)
    assert error.value.code == "mobile"


def test_student_page_rejects_a_bad_qq_and_mobile_and_keeps_the_input(client):
    teacher = class_teacher()
    grant_permissions(teacher, "stark:web_student_change")
    client.force_login(teacher)
    student = student_in_class(ClassListFactory(class_teacher=teacher))
    response = client.post(
        reverse("stark:web_student_change", kwargs={"pk": student.pk}),
        {"qq": "abc", "mobile": "call me", "emergency_contract": "母亲", "class_list": []},
    )
    form = response.context["form"]
    assert form.errors["qq"] == [QQ_ERROR] and form.errors["mobile"] == [MOBILE_ERROR]
    assert 'value="call me"' in response.content.decode()


def test_payment_application_rejects_a_bad_student_mobile(client):
    consultant = UserFactory()
    grant_permissions(consultant, "stark:web_paymentrecord_add")
    client.force_login(consultant)
    customer = CustomerFactory(consultant=consultant)
    response = client.post(
        reverse("stark:web_paymentrecord_add", kwargs={"customer_id": customer.pk}),
        {
            "pay_type": "enrolment_fee",
            "paid_fee": "100",
            "class_list": ClassListFactory().pk,
            "qq": "31415926",
            "mobile": "1380013800",
            "emergency_contract": "母亲",
        },
    )
    assert response.context["form"].errors["mobile"] == [MOBILE_ERROR]
    assert not customer.payments.exists()


def test_customer_form_rejects_a_qq_that_is_not_a_number(client):
    operator = UserFactory()
    grant_permissions(operator, "stark:web_customer_pub_add")
    client.force_login(operator)
    response = client.post(
        reverse("stark:web_customer_pub_add"),
        {"name": "测试客户", "qq": "qq12345", "gender": "male", "source": "qq_group", "date": "2026-11-20"},
    )
    assert response.context["form"].errors["qq"] == [QQ_ERROR]
