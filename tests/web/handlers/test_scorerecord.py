import pytest
from django.urls import reverse

from tests.factories import ClassListFactory, ScoreRecordFactory
from tests.permissions import grant_permissions
from tests.web.handlers.enrolment_helpers import class_teacher, student_in_class
from web.models import ScoreRecord

pytestmark = pytest.mark.django_db

LIST = "stark:web_scorerecord_list"
ADD = "stark:web_scorerecord_add"


@pytest.fixture
def teacher(client):
    user = class_teacher()
    grant_permissions(user, LIST, ADD, scope="own")
    client.force_login(user)
    return user


def test_list_shows_that_students_records(client, teacher):
    student = student_in_class(ClassListFactory(class_teacher=teacher))
    ScoreRecordFactory(student=student, content="帮助同学调试代码", score=3)
    ScoreRecordFactory(content="别人的记录")
    response = client.get(reverse(LIST, kwargs={"student_id": student.pk}))
    html = response.content.decode()
    assert "帮助同学调试代码" in html and "别人的记录" not in html


def test_add_records_the_delta_and_the_current_user(client, teacher):
    student = student_in_class(ClassListFactory(class_teacher=teacher), score=100)
    response = client.post(
        reverse(ADD, kwargs={"student_id": student.pk}), {"content": "上课玩手机", "score": "-4", "user": 1}
    )
    assert response.status_code == 302
    record = ScoreRecord.objects.get()
    assert (record.student, record.user, record.score) == (student, teacher, -4)
    student.refresh_from_db()
    assert student.score == 96


@pytest.mark.parametrize("delta", ["0", "1000", "abc"])
def test_bad_delta_is_a_form_error_that_keeps_the_input(client, teacher, delta):
    student = student_in_class(ClassListFactory(class_teacher=teacher), score=100)
    response = client.post(reverse(ADD, kwargs={"student_id": student.pk}), {"content": "保留的理由", "score": delta})
    assert response.status_code == 200
    assert "score" in response.context["form"].errors
    assert "保留的理由" in response.content.decode()
    student.refresh_from_db()
    assert student.score == 100 and not ScoreRecord.objects.exists()


def test_unknown_student_gives_404(client, teacher):
    assert client.get(reverse(LIST, kwargs={"student_id": 424242})).status_code == 404
    assert client.post(reverse(ADD, kwargs={"student_id": 424242}), {"content": "x", "score": 1}).status_code == 404
