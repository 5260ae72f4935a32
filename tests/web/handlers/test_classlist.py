"""Class pages: list with campus and course filters, add and edit (teachers, dates, uniqueness), delete."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import (
    ClassListFactory,
    CourseFactory,
    DepartmentFactory,
    PaymentRecordFactory,
    SchoolFactory,
    UserFactory,
)
from tests.web.handlers.base_pages import login_with, row_texts, show_one_page
from web.models import ClassList, Department

pytestmark = pytest.mark.django_db

LIST, ADD, CHANGE, DELETE = (f"stark:web_classlist_{page}" for page in ("list", "add", "change", "delete"))


@pytest.fixture
def staff():
    quality = DepartmentFactory(title="教质部", kind=Department.Kind.TEACHING_QUALITY)
    teaching = DepartmentFactory(title="教学部", kind=Department.Kind.TEACHING)
    sales = DepartmentFactory(title="销售部", kind=Department.Kind.SALES)
    return {
        "class_teacher": UserFactory(username="sunli", name="孙丽", depart=quality),
        "lecturer": UserFactory(username="zhouqiang", name="周强", depart=teaching),
        "consultant": UserFactory(username="lixiaoming", name="李晓明", depart=sales),
    }


@pytest.fixture
def places():
    return {
        "beijing": SchoolFactory(title="北京沙河校区"),
        "shanghai": SchoolFactory(title="上海浦东校区"),
        "python": CourseFactory(name="Python 全栈开发"),
        "linux": CourseFactory(name="Linux 运维"),
    }


def class_data(staff, places, **overrides):
    data = {
        "school": places["beijing"].pk,
        "course": places["python"].pk,
        "semester": 3,
        "price": "19800.00",
        "start_date": "2026-09-01",
        "graduate_date": "2027-03-01",
        "class_teacher": staff["class_teacher"].pk,
        "tech_teachers": [staff["lecturer"].pk],
        "memo": "周末班",
    }
    data.update(overrides)
    return data


def test_list_shows_course_semester_campus_price_dates_and_teachers(client, user, staff, places, settings):
    settings.LANGUAGE_CODE = "en"
    klass = ClassListFactory(
        course=places["python"],
        school=places["beijing"],
        semester=12,
        start_date=datetime.date(2026, 9, 1),
        graduate_date=datetime.date(2027, 3, 1),
        class_teacher=staff["class_teacher"],
    )
    klass.tech_teachers.add(staff["lecturer"])
    login_with(client, user, LIST)
    [row] = row_texts(client.get(reverse(LIST)))
    for text in ("Python 全栈开发 (semester 12)", "北京沙河校区", "19800.00", "孙丽", "周强"):
        assert text in row
    assert "2026" in row and "2027" in row


def test_combined_search_by_campus_and_course(client, user, staff, places):
    ClassListFactory(school=places["beijing"], course=places["python"], class_teacher=staff["class_teacher"])
    ClassListFactory(school=places["beijing"], course=places["linux"], class_teacher=staff["class_teacher"])
    ClassListFactory(school=places["shanghai"], course=places["python"], class_teacher=staff["class_teacher"])
    login_with(client, user, LIST)
    response = client.get(reverse(LIST), {"school": places["beijing"].pk, "course": places["python"].pk})
    [row] = row_texts(response)
    assert "Python 全栈开发" in row and "北京沙河校区" in row
    assert client.get(reverse(LIST), {"school": places["beijing"].pk}).context["total"] == 2
    assert client.get(reverse(LIST), {"q": "linux"}).context["total"] == 1


def test_add_page_offers_date_pickers_and_only_teaching_staff(client, user, staff, places):
    login_with(client, user, LIST, ADD)
    response = client.get(reverse(ADD))
    html = response.content.decode()
    assert html.count('type="date"') == 2
    form = response.context["form"]
    assert list(form.fields["class_teacher"].queryset) == [staff["class_teacher"]]
    assert list(form.fields["tech_teachers"].queryset) == [staff["lecturer"]]
    assert "李晓明" not in html


def test_add_page_creates_a_class(client, user, staff, places):
    login_with(client, user, LIST, ADD)
    response = client.post(reverse(ADD), class_data(staff, places))
    assert response.status_code == 302
    klass = ClassList.objects.get()
    assert (klass.course, klass.semester, klass.school) == (places["python"], 3, places["beijing"])
    assert klass.start_date == datetime.date(2026, 9, 1)
    assert list(klass.tech_teachers.all()) == [staff["lecturer"]]


def test_a_tampered_post_choosing_a_consultant_as_teacher_is_rejected(client, user, staff, places):
    login_with(client, user, ADD)
    response = client.post(reverse(ADD), class_data(staff, places, class_teacher=staff["consultant"].pk))
    assert response.status_code == 200
    assert "class_teacher" in response.context["form"].errors
    response = client.post(reverse(ADD), class_data(staff, places, tech_teachers=[staff["consultant"].pk]))
    assert "tech_teachers" in response.context["form"].errors
    assert not ClassList.objects.exists()


def test_graduation_before_start_is_refused_on_the_page(client, user, staff, places):
    login_with(client, user, ADD)
    response = client.post(reverse(ADD), class_data(staff, places, graduate_date="2026-08-01"))
    assert response.status_code == 200
    assert "graduate_date" in response.context["form"].errors
    assert not ClassList.objects.exists()


def test_a_duplicate_course_semester_campus_shows_the_uniqueness_message(client, user, staff, places, settings):
    settings.LANGUAGE_CODE = "en"
    ClassListFactory(
        course=places["python"], semester=3, school=places["beijing"], class_teacher=staff["class_teacher"]
    )
    login_with(client, user, ADD)
    response = client.post(reverse(ADD), class_data(staff, places))
    assert response.status_code == 200
    assert "This course already has a class of this semester at this campus." in response.content.decode()
    assert ClassList.objects.count() == 1


def test_edit_changes_the_teachers_and_dates(client, user, staff, places):
    klass = ClassListFactory(
        course=places["python"], semester=3, school=places["beijing"], class_teacher=staff["class_teacher"]
    )
    login_with(client, user, LIST, CHANGE)
    url = reverse(CHANGE, kwargs={"pk": klass.pk})
    assert 'value="2026-09-01"' in client.get(url).content.decode()
    response = client.post(url, class_data(staff, places, start_date="2026-10-08", graduate_date=""))
    assert response.status_code == 302
    klass.refresh_from_db()
    assert klass.start_date == datetime.date(2026, 10, 8)
    assert klass.graduate_date is None
    assert list(klass.tech_teachers.all()) == [staff["lecturer"]]


def test_delete_removes_a_class_without_payments(client, user, staff):
    klass = ClassListFactory(class_teacher=staff["class_teacher"])
    login_with(client, user, LIST, DELETE)
    url = reverse(DELETE, kwargs={"pk": klass.pk})
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not ClassList.objects.filter(pk=klass.pk).exists()


def test_delete_is_refused_while_payments_point_at_the_class(client, user, staff, settings):
    settings.LANGUAGE_CODE = "en"
    payment = PaymentRecordFactory(class_list__class_teacher=staff["class_teacher"])
    login_with(client, user, LIST, DELETE)
    response = client.post(reverse(DELETE, kwargs={"pk": payment.class_list_id}))
    assert response.status_code == 200
    assert "cannot be deleted because other data still uses it" in response.content.decode()
    assert ClassList.objects.filter(pk=payment.class_list_id).exists()


def test_list_query_count_does_not_grow_with_rows(client, user, staff, django_assert_max_num_queries, monkeypatch):
    def make_classes(count):
        for _ in range(count):
            klass = ClassListFactory(class_teacher=staff["class_teacher"])
            klass.tech_teachers.add(staff["lecturer"], UserFactory(depart=staff["lecturer"].depart))

    make_classes(5)
    show_one_page(monkeypatch, ClassList)
    login_with(client, user, LIST, ADD, CHANGE, DELETE)
    client.get(reverse(LIST))
    with django_assert_max_num_queries(50) as baseline:
        client.get(reverse(LIST))
    make_classes(45)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(reverse(LIST))
    assert len(response.context["rows"]) == response.context["total"] >= 50


def test_list_links_each_class_to_its_course_records(client, user, staff, places):
    klass = ClassListFactory(course=places["python"], school=places["beijing"])
    login_with(client, user, LIST, "stark:web_courserecord_list")
    html = client.get(reverse(LIST)).content.decode()
    assert reverse("stark:web_courserecord_list", kwargs={"class_id": klass.pk}) in html


def test_course_records_column_is_absent_without_that_permission(client, user, staff, places, settings):
    settings.LANGUAGE_CODE = "en"
    ClassListFactory(course=places["python"], school=places["beijing"])
    login_with(client, user, LIST)
    response = client.get(reverse(LIST))
    assert "/courserecord/" not in response.content.decode()
    assert "Course records" not in [str(header["text"]) for header in response.context["headers"]]
