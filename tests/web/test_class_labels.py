"""A class is told apart everywhere by course, semester and campus (issue 13)."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import (
    ClassListFactory,
    CourseFactory,
    CustomerFactory,
    PaymentRecordFactory,
    SchoolFactory,
    StudentFactory,
    UserFactory,
)
from tests.permissions import grant_permissions
from tests.web.customers_support import make_consultant
from web.forms.payments import PaymentApplyForm
from web.models import Student

pytestmark = pytest.mark.django_db

LABEL = "Python 全栈开发（1期）· 北京昌平校区"
OTHER = "Python 全栈开发（1期）· 上海浦东校区"


@pytest.fixture
def twins():
    """The same course and semester at two campuses: only the campus tells them apart."""
    python = CourseFactory(name="Python 全栈开发")
    return (
        ClassListFactory(course=python, semester=1, school=SchoolFactory(title="北京昌平校区")),
        ClassListFactory(course=python, semester=1, school=SchoolFactory(title="上海浦东校区")),
    )


def test_the_label_names_course_semester_and_campus(twins):
    with translation.override("zh-hans"):
        assert [str(k) for k in twins] == [LABEL, OTHER]
    with translation.override("en"):
        assert str(twins[0]) == "Python 全栈开发 (semester 1) · 北京昌平校区"


def test_the_payment_form_select_offers_both_campuses(twins):
    consultant = make_consultant("consultant1")
    form = PaymentApplyForm().for_customer(CustomerFactory(consultant=consultant))
    with translation.override("zh-hans"):
        labels = [str(label) for _value, label in form.fields["class_list"].choices]
    assert LABEL in labels and OTHER in labels


def test_filters_and_rows_of_the_approval_list_show_the_campus(client, twins):
    finance = UserFactory()
    grant_permissions(finance, "stark:web_paymentrecord_check_list")
    client.force_login(finance)
    PaymentRecordFactory(class_list=twins[0])
    html = client.get(reverse("stark:web_paymentrecord_check_list")).content.decode()
    assert LABEL in html and OTHER in html  # the row, and both in the class filter


def test_the_class_list_shows_the_number_of_studying_students(client, twins):
    admin = UserFactory()
    grant_permissions(admin, "stark:web_classlist_list")
    client.force_login(admin)
    for status in (Student.Status.STUDYING, Student.Status.STUDYING, Student.Status.GRADUATED):
        StudentFactory(student_status=status).class_list.add(twins[0])
    response = client.get(reverse("stark:web_classlist_list"))
    counts = {str(row[0]): str(row[2]) for row in response.context["rows"]}
    assert counts == {LABEL: "2", OTHER: "0"}
