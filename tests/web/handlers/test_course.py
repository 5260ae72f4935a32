"""Course pages: list + search, add, edit, delete, delete refused while classes use the course."""

import pytest
from django.urls import reverse

from tests.factories import ClassListFactory, CourseFactory
from tests.web.handlers.base_pages import login_with, row_texts, show_one_page
from web.models import Course

pytestmark = pytest.mark.django_db

LIST, ADD, CHANGE, DELETE = (f"stark:web_course_{page}" for page in ("list", "add", "change", "delete"))


def test_list_fuzzy_search_by_name_ignores_case(client, user):
    CourseFactory(name="Python 全栈开发")
    CourseFactory(name="Linux 运维")
    login_with(client, user, LIST)
    response = client.get(reverse(LIST), {"q": "python"})
    assert response.context["total"] == 1
    assert "Python 全栈开发" in row_texts(response)[0]


def test_add_edit_and_delete_a_course(client, user):
    login_with(client, user, LIST, ADD, CHANGE, DELETE)
    assert client.get(reverse(ADD)).status_code == 200
    assert client.post(reverse(ADD), {"name": "数据分析"}).status_code == 302
    course = Course.objects.get(name="数据分析")
    change_url = reverse(CHANGE, kwargs={"pk": course.pk})
    assert client.get(change_url).status_code == 200
    assert client.post(change_url, {"name": "Python 数据分析"}).status_code == 302
    course.refresh_from_db()
    assert course.name == "Python 数据分析"
    delete_url = reverse(DELETE, kwargs={"pk": course.pk})
    assert client.get(delete_url).status_code == 200
    assert client.post(delete_url).status_code == 302
    assert not Course.objects.filter(pk=course.pk).exists()


def test_add_refuses_an_empty_or_duplicate_name(client, user):
    CourseFactory(name="前端开发")
    login_with(client, user, ADD)
    assert "name" in client.post(reverse(ADD), {"name": ""}).context["form"].errors
    assert "name" in client.post(reverse(ADD), {"name": "前端开发"}).context["form"].errors
    assert Course.objects.count() == 1


def test_delete_is_refused_while_classes_use_the_course(client, user, settings):
    settings.LANGUAGE_CODE = "en"
    klass = ClassListFactory(course__name="Linux 运维", semester=7)
    login_with(client, user, LIST, DELETE)
    response = client.post(reverse(DELETE, kwargs={"pk": klass.course_id}))
    assert response.status_code == 200
    assert "cannot be deleted because other data still uses it" in response.content.decode()
    assert "Linux 运维 (semester 7)" in response.content.decode()
    assert Course.objects.filter(pk=klass.course_id).exists()


def test_list_query_count_does_not_grow_with_rows(client, user, django_assert_max_num_queries, monkeypatch):
    CourseFactory.create_batch(5)
    show_one_page(monkeypatch, Course)
    login_with(client, user, LIST, ADD, CHANGE, DELETE)
    client.get(reverse(LIST))
    with django_assert_max_num_queries(50) as baseline:
        client.get(reverse(LIST))
    CourseFactory.create_batch(45)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(reverse(LIST))
    assert len(response.context["rows"]) == response.context["total"] >= 50
