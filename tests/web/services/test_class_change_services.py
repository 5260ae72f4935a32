import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.concurrency import mysql_only, run_concurrently
from tests.factories import ClassChangeFactory, ClassListFactory, CourseFactory, StudentFactory, UserFactory
from web.models import ClassChange, ClassList
from web.services.class_changes import class_change_apply, class_change_approve, class_change_reject

pytestmark = pytest.mark.django_db
Kind = ClassChange.Kind


@pytest.fixture
def course():
    return CourseFactory(name="Python 全栈")


@pytest.fixture
def student_in(course):
    klass = ClassListFactory(course=course)
    student = StudentFactory()
    student.class_list.add(klass)
    return student, klass


def apply(student, from_class, to_class, kind=Kind.TRANSFER):
    return class_change_apply(
        applicant=UserFactory(), student=student, kind=kind, from_class=from_class, to_class=to_class, reason="调班"
    )


def test_apply_creates_a_pending_application(student_in):
    student, klass = student_in
    target = ClassListFactory()
    change = apply(student, klass, target)
    assert change.status == ClassChange.Status.PENDING
    assert list(student.class_list.all()) == [klass]  # nothing moves before approval


def test_target_must_differ_from_the_current_class(student_in):
    student, klass = student_in
    with pytest.raises(ValidationError) as info:
        apply(student, klass, klass)
    assert "to_class" in info.value.message_dict


def test_target_must_not_be_a_graduated_class(student_in):
    student, klass = student_in
    closed = ClassListFactory(graduate_date=datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError) as info:
        apply(student, klass, closed)
    assert "to_class" in info.value.message_dict


def test_repeat_must_stay_in_the_same_course(student_in, course):
    student, klass = student_in
    with pytest.raises(ValidationError):
        apply(student, klass, ClassListFactory(course=CourseFactory(name="Linux")), kind=Kind.REPEAT)
    assert apply(student, klass, ClassListFactory(course=course), kind=Kind.REPEAT).kind == Kind.REPEAT


def test_from_class_must_be_one_of_the_students_classes(student_in):
    student, _klass = student_in
    with pytest.raises(ValidationError) as info:
        apply(student, ClassListFactory(), ClassListFactory())
    assert "from_class" in info.value.message_dict


def test_approve_moves_the_student_exactly_once(student_in):
    student, klass = student_in
    target = ClassListFactory()
    change = apply(student, klass, target)
    admin = UserFactory()

    assert class_change_approve(confirm_user=admin, change_ids=[change.pk]).changed == 1
    assert list(student.class_list.all()) == [target]
    # Meanwhile the student is put back by hand; a second approval must not move them again.
    student.class_list.set([klass])
    assert class_change_approve(confirm_user=UserFactory(), change_ids=[change.pk]).changed == 0
    assert list(student.class_list.all()) == [klass]
    change.refresh_from_db()
    assert (change.status, change.confirm_user) == (ClassChange.Status.APPROVED, admin)


def test_two_transfers_out_of_one_class_cannot_both_be_approved(student_in):
    student, klass = student_in
    first, second = ClassListFactory(), ClassListFactory()
    to_first, to_second = apply(student, klass, first), apply(student, klass, second)

    result = class_change_approve(confirm_user=UserFactory(), change_ids=[to_first.pk, to_second.pk])

    assert (result.changed, result.stale, result.skipped) == (1, 1, 0)
    assert list(student.class_list.all()) == [first]
    to_second.refresh_from_db()
    assert to_second.status == ClassChange.Status.PENDING


def test_an_application_into_a_class_graduated_since_stays_pending(student_in):
    student, klass = student_in
    target = ClassListFactory()
    change = apply(student, klass, target)
    ClassList.objects.filter(pk=target.pk).update(graduate_date=datetime.date(2020, 1, 1))

    result = class_change_approve(confirm_user=UserFactory(), change_ids=[change.pk])

    assert (result.changed, result.stale) == (0, 1)
    assert list(student.class_list.all()) == [klass]


def test_reject_leaves_the_classes_alone(student_in):
    student, klass = student_in
    change = apply(student, klass, ClassListFactory())
    assert class_change_reject(confirm_user=UserFactory(), change_ids=[change.pk]).changed == 1
    assert class_change_approve(confirm_user=UserFactory(), change_ids=[change.pk]).changed == 0
    assert list(student.class_list.all()) == [klass]


@mysql_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_move_the_student_once():
    student = StudentFactory()
    klass, target = ClassListFactory(), ClassListFactory()
    student.class_list.add(klass)
    change = ClassChangeFactory(student=student, from_class=klass, to_class=target)
    a, b = UserFactory(), UserFactory()
    results = run_concurrently(
        lambda: class_change_approve(confirm_user=a, change_ids=[change.pk]),
        lambda: class_change_approve(confirm_user=b, change_ids=[change.pk]),
    )
    assert sorted(r.changed for r in results) == [0, 1]
    assert list(student.class_list.all()) == [target]
