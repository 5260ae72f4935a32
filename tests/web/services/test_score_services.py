import pytest
from django.core.exceptions import ValidationError

from tests.concurrency import mysql_only, run_concurrently
from tests.factories import StudentFactory, UserFactory
from web.models import ScoreRecord
from web.services.students import SCORE_DELTA_LIMIT, score_record_add

pytestmark = pytest.mark.django_db


def test_score_record_adds_its_delta_to_the_student():
    student, teacher = StudentFactory(score=100), UserFactory()
    record = score_record_add(student=student, user=teacher, content="迟到", score=-5)
    student.refresh_from_db()
    assert student.score == 95
    assert (record.user, record.score, record.content) == (teacher, -5, "迟到")


@pytest.mark.parametrize("delta", [0, SCORE_DELTA_LIMIT + 1, -SCORE_DELTA_LIMIT - 1])
def test_bad_delta_records_nothing(delta):
    student = StudentFactory(score=100)
    with pytest.raises(ValidationError) as info:
        score_record_add(student=student, user=UserFactory(), content="x", score=delta)
    assert "score" in info.value.message_dict
    student.refresh_from_db()
    assert student.score == 100
    assert not ScoreRecord.objects.exists()


def test_stale_student_object_does_not_overwrite_the_score():
    student = StudentFactory(score=100)
    stale = type(student).objects.get(pk=student.pk)
    score_record_add(student=student, user=UserFactory(), content="a", score=3)
    score_record_add(student=stale, user=UserFactory(), content="b", score=4)
    student.refresh_from_db()
    assert student.score == 107


@mysql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_score_deltas_sum_correctly():
    student = StudentFactory(score=100)
    teachers = [UserFactory() for _ in range(6)]
    deltas = [5, -3, 10, -7, 2, 1]

    run_concurrently(
        *[
            (lambda t=teacher, d=delta: score_record_add(student=student, user=t, content="课堂表现", score=d))
            for teacher, delta in zip(teachers, deltas, strict=True)
        ]
    )

    student.refresh_from_db()
    assert student.score == 100 + sum(deltas)
    assert ScoreRecord.objects.filter(student=student).count() == 6
