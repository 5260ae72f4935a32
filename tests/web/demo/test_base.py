"""The base demo data is valid data: the class forms' rules hold for it."""

import pytest
from django.http import HttpRequest

from web.demo.base import DEMO_USERS, seed_base
from web.forms.classlist import ClassListForm
from web.models import ClassList, Department, UserInfo

pytestmark = pytest.mark.django_db


def test_every_department_has_staff_and_every_demo_user_can_log_in(client):
    seed_base(password="Demo-pass-2026")
    for department in Department.objects.all():
        assert department.staff.exists(), department
    for demo in DEMO_USERS:
        assert client.login(request=HttpRequest(), username=demo.username, password="Demo-pass-2026")
        assert UserInfo.objects.get(username=demo.username).phone


def test_demo_classes_pass_the_class_form_and_seeding_twice_changes_nothing():
    seed_base()
    seed_base()
    assert ClassList.objects.count() == 6
    assert ClassList.objects.values("school").distinct().count() == 3
    for klass in ClassList.objects.all():
        data = {
            "school": klass.school_id,
            "course": klass.course_id,
            "semester": klass.semester,
            "price": klass.price,
            "start_date": klass.start_date,
            "graduate_date": klass.graduate_date,
            "class_teacher": klass.class_teacher_id,
            "tech_teachers": list(klass.tech_teachers.values_list("pk", flat=True)),
            "memo": klass.memo,
        }
        form = ClassListForm(data=data, instance=klass)
        assert form.is_valid(), (klass, form.errors)
        assert data["tech_teachers"]
