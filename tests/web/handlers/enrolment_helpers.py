"""Shared set-up of the enrolment and teaching page tests."""

import pytest
from django.contrib.messages import get_messages

from tests.factories import ClassListFactory, DepartmentFactory, StudentFactory, UserFactory
from web.models import Department


@pytest.fixture
def english(settings):
    """Messages and labels in English, so assertions do not depend on the translations."""
    settings.LANGUAGE_CODE = "en"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def class_teacher(username="teacher_a"):
    depart = DepartmentFactory(title="教质部", kind=Department.Kind.TEACHING_QUALITY)
    return UserFactory(username=username, depart=depart)


def lecturer(username):
    depart = DepartmentFactory(title="教学部", kind=Department.Kind.TEACHING)
    return UserFactory(username=username, depart=depart)


def student_in_class(klass=None, **kwargs):
    klass = klass or ClassListFactory()
    student = StudentFactory(**kwargs)
    student.class_list.add(klass)
    return student
