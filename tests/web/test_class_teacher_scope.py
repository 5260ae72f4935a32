"""Class teachers work on their own classes only: every URL × another teacher's object is 404, GET and POST.

Each class teacher holds every permission of the demo class-teacher role; ``other`` owns a class
with a student, a score record, a talk record, a class change and a course record. ``teacher``
opening any of those through any URL gets 404 (as a consultant does for another's customer),
and nothing changes; the same URLs with ``teacher``'s own objects work. The administrator sees all.
"""

import pytest
from django.urls import reverse

from tests.factories import (
    ClassChangeFactory,
    ClassListFactory,
    CourseRecordFactory,
    ScoreRecordFactory,
    StudyRecordFactory,
    TalkRecordFactory,
    UserFactory,
)
from tests.permissions import grant_permissions
from tests.web.handlers.enrolment_helpers import class_teacher, student_in_class
from tests.web.matrix_support import EXPECTED, TEACHER
from web.models import ClassChange, ClassList, CourseRecord, ScoreRecord, StudyRecord, TalkRecord

pytestmark = pytest.mark.django_db

#: Pages of whole lists (no object in the URL): the students, and the talk records of the
#: teacher's classes (issue 12); their rows are checked below.
STUDENT_LIST_URLS = {"stark:web_student_list", "stark:web_student_export", "stark:web_talkrecord_classes_list"}
TEACHER_URLS = sorted(name for name, users in EXPECTED.items() if TEACHER in users and name not in STUDENT_LIST_URLS)


def world(teacher):
    """One class of ``teacher`` with one of everything a class teacher works on."""
    klass = ClassListFactory(class_teacher=teacher)
    student = student_in_class(klass)
    lesson = CourseRecordFactory(class_object=klass, day_num=1)
    return {
        "class": klass,
        "student": student,
        "lesson": lesson,
        "study": StudyRecordFactory(course_record=lesson, student=student),
        "score": ScoreRecordFactory(student=student),
        "talk": TalkRecordFactory(student=student, teacher=teacher),
        "change": ClassChangeFactory(student=student, from_class=klass, applicant=teacher),
    }


def url(name: str, w: dict) -> str:
    """``name`` pointed at the objects of world ``w``."""
    kwargs = {
        "stark:web_classlist_list": {},
        "stark:web_student_change": {"pk": w["student"].pk},
        "stark:web_scorerecord_list": {"student_id": w["student"].pk},
        "stark:web_scorerecord_add": {"student_id": w["student"].pk},
        "stark:web_talkrecord_list": {"student_id": w["student"].pk},
        "stark:web_talkrecord_add": {"student_id": w["student"].pk},
        "stark:web_talkrecord_change": {"student_id": w["student"].pk, "pk": w["talk"].pk},
        "stark:web_classchange_list": {"student_id": w["student"].pk},
        "stark:web_classchange_add": {"student_id": w["student"].pk},
        "stark:web_courserecord_list": {"class_id": w["class"].pk},
        "stark:web_courserecord_add": {"class_id": w["class"].pk},
        "stark:web_courserecord_change": {"class_id": w["class"].pk, "pk": w["lesson"].pk},
        "stark:web_courserecord_delete": {"class_id": w["class"].pk, "pk": w["lesson"].pk},
        "stark:web_courserecord_multi_init": {"class_id": w["class"].pk},
        "stark:web_courserecord_attendance": {"class_id": w["class"].pk, "course_record_id": w["lesson"].pk},
    }[name]
    return reverse(name, kwargs=kwargs)


def snapshot():
    return (
        list(ScoreRecord.objects.order_by("pk").values_list("pk", "score")),
        list(TalkRecord.objects.order_by("pk").values_list("pk", "topic")),
        list(ClassChange.objects.order_by("pk").values_list("pk", "status")),
        list(CourseRecord.objects.order_by("pk").values_list("pk", "day_num", "date")),
        list(StudyRecord.objects.order_by("pk").values_list("pk", "record")),
    )


@pytest.fixture
def teachers(client):
    teacher, other = class_teacher("teacher_a"), class_teacher("teacher_b")
    for user in (teacher, other):
        grant_permissions(user, *TEACHER_URLS, *STUDENT_LIST_URLS, scope="own")
    client.force_login(teacher)
    return teacher, other


def test_the_matrix_covers_every_url_of_the_class_teacher_role():
    assert {name for name, users in EXPECTED.items() if TEACHER in users} == {*TEACHER_URLS, *STUDENT_LIST_URLS}


@pytest.mark.parametrize("name", [n for n in TEACHER_URLS if n != "stark:web_classlist_list"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_teachers_object_is_404_and_nothing_changes(client, teachers, name, method):
    teacher, other = teachers
    world(teacher)
    theirs = world(other)
    before = snapshot()
    data = {"pk": [theirs["lesson"].pk], "action": "multi_init", "score": "5", "content": "x", "topic": "x"}
    if method == "get" and name.endswith("_multi_init"):
        pytest.skip("a batch action's URL is POST only (405 on GET)")
    response = getattr(client, method)(url(name, theirs), data if method == "post" else None)
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("name", [n for n in TEACHER_URLS if not n.endswith("_multi_init")])
def test_the_same_urls_work_on_the_teachers_own_objects(client, teachers, name):
    teacher, _other = teachers
    mine = world(teacher)
    assert client.get(url(name, mine)).status_code == 200


def test_lists_and_filters_show_only_the_teachers_own_classes_and_students(client, teachers):
    teacher, other = teachers
    mine, theirs = world(teacher), world(other)
    classes = client.get(reverse("stark:web_classlist_list")).context["page"].object_list
    assert list(classes) == [mine["class"]]
    students = client.get(reverse("stark:web_student_list"))
    assert list(students.context["page"].object_list) == [mine["student"]]
    offered = [link.text for option in students.context["search_group"] for link in option.links]
    assert str(mine["class"]) in map(str, offered) and str(theirs["class"]) not in map(str, offered)
    talks = client.get(reverse("stark:web_talkrecord_classes_list"))
    assert list(talks.context["page"].object_list) == [mine["talk"]]


def test_the_administrator_sees_every_class(client, teachers):
    teacher, other = teachers
    world(teacher), world(other)
    admin = UserFactory(is_superuser=True)
    grant_permissions(admin, "stark:web_classlist_list")
    client.force_login(admin)
    assert client.get(reverse("stark:web_classlist_list")).context["page"].paginator.count == ClassList.objects.count()


def test_the_student_export_has_only_the_teachers_own_students(client, teachers):
    teacher, other = teachers
    mine, theirs = world(teacher), world(other)
    body = b"".join(client.get(reverse("stark:web_student_export")).streaming_content).decode("utf-8-sig")
    assert str(mine["student"].customer) in body and str(theirs["student"].customer) not in body
