"""Idempotent submits: the payment, follow-up, score and class-change add pages carry a one-use
token, so a double click or a browser resubmit creates one row (issue 16)."""

import re

import pytest
from django.urls import reverse

from tests.concurrency import mysql_only, run_concurrently
from tests.factories import ClassListFactory, CustomerFactory, StudentFactory, UserFactory
from tests.web.handlers.base_pages import login_with
from tests.web.handlers.enrolment_helpers import class_teacher, student_in_class
from web.models import ClassChange, ConsultRecord, PaymentRecord, ScoreRecord

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="_form_token" value="([^"]+)"')


def _token(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    match = TOKEN.search(response.content.decode())
    assert match, "the add page carries no form token"
    return match.group(1)


def _payment(client):
    consultant = UserFactory()
    customer = CustomerFactory(consultant=consultant, qq="31415926")
    login_with(client, consultant, "stark:web_paymentrecord_add", "stark:web_paymentrecord_list")
    url = reverse("stark:web_paymentrecord_add", kwargs={"customer_id": customer.pk})
    data = {"pay_type": "enrolment_fee", "paid_fee": "2000.00", "class_list": ClassListFactory().pk}
    data.update(qq="31415926", mobile="13800000009", emergency_contract="父亲 139")
    return url, data, PaymentRecord


def _follow_up(client):
    consultant = UserFactory()
    customer = CustomerFactory(consultant=consultant)
    login_with(client, consultant, "stark:web_consultrecord_add", "stark:web_consultrecord_list")
    url = reverse("stark:web_consultrecord_add", kwargs={"customer_id": customer.pk})
    return url, {"note": "电话沟通，周末来试听"}, ConsultRecord


def _score(client):
    teacher = class_teacher()
    student = student_in_class(ClassListFactory(class_teacher=teacher))
    login_with(client, teacher, "stark:web_scorerecord_add", "stark:web_scorerecord_list", scope="own")
    url = reverse("stark:web_scorerecord_add", kwargs={"student_id": student.pk})
    return url, {"content": "上课积极回答问题", "score": "2"}, ScoreRecord


def _class_change(client):
    teacher = class_teacher()
    klass = ClassListFactory(class_teacher=teacher)
    student = student_in_class(klass)
    login_with(client, teacher, "stark:web_classchange_add", "stark:web_classchange_list", scope="own")
    url = reverse("stark:web_classchange_add", kwargs={"student_id": student.pk})
    data = {"kind": "transfer", "from_class": klass.pk, "to_class": ClassListFactory().pk, "reason": "工作调动"}
    return url, data, ClassChange


FORMS = [_payment, _follow_up, _score, _class_change]


@pytest.mark.parametrize("make", FORMS, ids=lambda f: f.__name__.strip("_"))
def test_submitting_the_same_page_twice_creates_one_row(client, make):
    url, data, model = make(client)
    token = _token(client, url)
    first = client.post(url, {**data, "_form_token": token})
    assert first.status_code == 302
    second = client.post(url, {**data, "_form_token": token}, follow=True)
    assert second.status_code == 200
    assert model.objects.count() == 1
    assert "已保存过" in second.content.decode()
    # A fresh page (a new token) saves again: only the resubmit is refused.
    assert client.post(url, {**data, "_form_token": _token(client, url)}).status_code == 302
    assert model.objects.count() == 2


@pytest.mark.parametrize("make", FORMS, ids=lambda f: f.__name__.strip("_"))
def test_a_forged_or_other_users_token_is_a_form_error_and_saves_nothing(client, make):
    url, data, model = make(client)
    response = client.post(url, {**data, "_form_token": "forged"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not model.objects.exists()


def test_a_token_is_not_used_up_by_a_submit_refused_with_a_form_error(client):
    url, data, model = _score(client)
    token = _token(client, url)
    assert client.post(url, {**data, "score": "lots", "_form_token": token}).status_code == 200
    assert client.post(url, {**data, "_form_token": token}).status_code == 302
    assert model.objects.count() == 1


@mysql_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_of_one_page_create_one_payment_application():
    from django.test import Client

    client = Client()
    url, data, model = _payment(client)
    token = _token(client, url)
    cookies = client.cookies

    def submit():
        other = Client()
        other.cookies = cookies
        return other.post(url, {**data, "_form_token": token}).status_code

    assert sorted(run_concurrently(submit, submit)) == [302, 302]
    assert model.objects.count() == 1
    assert StudentFactory._meta.model.objects.count() == 1
