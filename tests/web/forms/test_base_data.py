"""The campus, department and course forms say plainly that a name is already taken."""

import pytest
from django.urls import reverse

from tests.factories import CourseFactory, DepartmentFactory, SchoolFactory
from tests.web.handlers.base_pages import login_with

pytestmark = pytest.mark.django_db

CASES = [
    ("stark:web_school_add", SchoolFactory, "title", "已有同名校区。", "A campus with this name already exists."),
    (
        "stark:web_department_add",
        DepartmentFactory,
        "title",
        "已有同名部门。",
        "A department with this name already exists.",
    ),
    ("stark:web_course_add", CourseFactory, "name", "已有同名课程。", "A course with this name already exists."),
]


@pytest.mark.parametrize(("url_name", "factory", "field", "chinese", "english"), CASES)
def test_duplicate_name_is_a_clear_field_error_in_chinese_and_english(
    client, user, settings, url_name, factory, field, chinese, english
):
    factory(**{field: "北京沙河"})
    login_with(client, user, url_name)
    data = {field: "北京沙河", "kind": "other"}
    response = client.post(reverse(url_name), data)
    assert response.context["form"].errors[field] == [chinese]
    assert 'value="北京沙河"' in response.content.decode()  # what the user typed stays
    settings.LANGUAGE_CODE = "en"
    response = client.post(reverse(url_name), data)
    assert response.context["form"].errors[field] == [english]
