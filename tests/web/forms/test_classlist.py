"""The class form: teacher choices, the date rule, the uniqueness message."""

import datetime

import pytest
from django.utils import translation

from tests.factories import ClassListFactory, CourseFactory, DepartmentFactory, SchoolFactory, UserFactory
from web.forms.classlist import ClassListForm
from web.models import ClassList, Department

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    quality = DepartmentFactory(title="教质部", kind=Department.Kind.TEACHING_QUALITY)
    teaching = DepartmentFactory(title="教学部", kind=Department.Kind.TEACHING)
    sales = DepartmentFactory(title="销售部", kind=Department.Kind.SALES)
    return {
        "class_teacher": UserFactory(username="sunli", name="孙丽", depart=quality),
        "lecturer": UserFactory(username="zhouqiang", name="周强", depart=teaching),
        "lecturer2": UserFactory(username="wugang", name="吴刚", depart=teaching),
        "consultant": UserFactory(username="lixiaoming", name="李晓明", depart=sales),
    }


def class_data(staff, **overrides):
    data = {
        "school": SchoolFactory(title="北京沙河校区").pk,
        "course": CourseFactory(name="Python 全栈开发").pk,
        "semester": 3,
        "price": "19800.00",
        "start_date": "2026-09-01",
        "graduate_date": "2027-03-01",
        "class_teacher": staff["class_teacher"].pk,
        "tech_teachers": [staff["lecturer"].pk, staff["lecturer2"].pk],
        "memo": "周末班",
    }
    data.update(overrides)
    return data


def test_a_valid_class_is_saved_with_its_teachers(staff):
    form = ClassListForm(data=class_data(staff))
    assert form.is_valid(), form.errors
    klass = form.save()
    with translation.override("en"):
        assert str(klass) == "Python 全栈开发 (semester 3) · 北京沙河校区"
    assert set(klass.tech_teachers.all()) == {staff["lecturer"], staff["lecturer2"]}
    assert klass.start_date == datetime.date(2026, 9, 1)


def test_teacher_choices_offer_only_the_right_departments(staff):
    form = ClassListForm()
    assert list(form.fields["class_teacher"].queryset) == [staff["class_teacher"]]
    assert set(form.fields["tech_teachers"].queryset) == {staff["lecturer"], staff["lecturer2"]}


def test_a_tampered_post_naming_a_consultant_as_class_teacher_is_rejected(staff):
    form = ClassListForm(data=class_data(staff, class_teacher=staff["consultant"].pk))
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["class_teacher"]] == ["invalid_choice"]
    assert not ClassList.objects.exists()


def test_a_tampered_post_naming_a_non_teacher_as_teacher_is_rejected(staff):
    form = ClassListForm(data=class_data(staff, tech_teachers=[staff["lecturer"].pk, staff["class_teacher"].pk]))
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["tech_teachers"]] == ["invalid_choice"]


def test_an_inactive_teacher_cannot_be_chosen(staff):
    staff["lecturer2"].is_active = False
    staff["lecturer2"].save()
    form = ClassListForm(data=class_data(staff))
    assert not form.is_valid()
    assert "tech_teachers" in form.errors


def test_graduation_before_start_is_an_error_on_the_graduation_date(staff):
    form = ClassListForm(data=class_data(staff, start_date="2026-09-01", graduate_date="2026-08-31"))
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["graduate_date"]] == ["before_start"]


def test_graduation_on_the_start_day_or_unknown_is_accepted(staff):
    assert ClassListForm(data=class_data(staff, graduate_date="2026-09-01")).is_valid()
    assert ClassListForm(data=class_data(staff, graduate_date="")).is_valid()


def test_semester_zero_and_negative_price_are_refused(staff):
    form = ClassListForm(data=class_data(staff, semester=0, price="-1"))
    assert not form.is_valid()
    assert "semester" in form.errors
    assert "price" in form.errors


@translation.override("en")
def test_a_second_class_of_the_same_course_semester_and_campus_gets_a_clear_error(staff):
    first = ClassListForm(data=class_data(staff))
    assert first.is_valid(), first.errors
    klass = first.save()
    second = ClassListForm(data=class_data(staff))
    assert not second.is_valid()
    assert second.non_field_errors() == ["This course already has a class of this semester at this campus."]
    # The class itself may be saved again (editing is not a duplicate).
    assert ClassListForm(data=class_data(staff, memo="晚班"), instance=klass).is_valid()
    # Another campus is a different class.
    assert ClassListForm(data=class_data(staff, school=SchoolFactory(title="上海浦东校区").pk)).is_valid()


def test_dates_render_as_browser_date_pickers_with_iso_values(staff):
    klass = ClassListFactory(start_date=datetime.date(2026, 9, 1), class_teacher=staff["class_teacher"])
    html = str(ClassListForm(instance=klass)["start_date"])
    assert 'type="date"' in html
    assert 'value="2026-09-01"' in html
