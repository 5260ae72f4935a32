"""A POST to a nested list outside the user's scope is 404, the same as a GET (issue 16 finding 6)."""

import pytest
from django.urls import reverse

from tests.factories import ClassListFactory, CustomerFactory, PaymentRecordFactory, StudentFactory, UserFactory
from tests.web.handlers.base_pages import login_with
from web.models import ClassChange, PaymentRecord, TalkRecord

pytestmark = pytest.mark.django_db


def test_consultant_posting_to_another_consultants_payment_list_gets_404_and_nothing_changes(client):
    owner, other = UserFactory(), UserFactory()
    customer = CustomerFactory(consultant=owner)
    PaymentRecordFactory(customer=customer, consultant=owner)
    login_with(client, other, "stark:web_paymentrecord_list", "stark:web_customer_priv_list")
    url = reverse("stark:web_paymentrecord_list", kwargs={"customer_id": customer.pk})
    assert client.get(url).status_code == 404
    response = client.post(
        url, {"action": "multi_delete", "pk": list(PaymentRecord.objects.values_list("pk", flat=True))}
    )
    assert response.status_code == 404
    assert PaymentRecord.objects.count() == 1


def test_consultant_posting_to_another_consultants_follow_up_list_gets_404(client):
    customer = CustomerFactory(consultant=UserFactory())
    login_with(client, UserFactory(), "stark:web_consultrecord_list")
    url = reverse("stark:web_consultrecord_list", kwargs={"customer_id": customer.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "multi_delete"}).status_code == 404


def _student_of_another_teacher():
    klass = ClassListFactory(class_teacher=UserFactory())
    student = StudentFactory()
    student.class_list.add(klass)
    return student


@pytest.mark.parametrize(
    ("url_name", "model"),
    [("stark:web_talkrecord_list", TalkRecord), ("stark:web_classchange_list", ClassChange)],
)
def test_class_teacher_posting_to_another_teachers_student_list_gets_404(client, url_name, model):
    student = _student_of_another_teacher()
    login_with(client, UserFactory(), url_name, scope="own")  # a class teacher's scope
    url = reverse(url_name, kwargs={"student_id": student.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "multi_delete"}).status_code == 404
    assert not model.objects.exists()


def test_post_to_a_nested_list_of_a_missing_parent_is_404(client):
    login_with(client, UserFactory(), "stark:web_scorerecord_list", "stark:web_courserecord_list")
    assert client.post(reverse("stark:web_scorerecord_list", kwargs={"student_id": 999999})).status_code == 404
    assert client.post(reverse("stark:web_courserecord_list", kwargs={"class_id": 999999})).status_code == 404
