"""Department pages: list + search + kind filter, add, edit, delete, delete refused while staff belong to it."""

import pytest
from django.urls import reverse

from tests.factories import DepartmentFactory, UserFactory
from tests.web.handlers.base_pages import login_with, row_texts, show_one_page
from web.models import Department

pytestmark = pytest.mark.django_db

LIST, ADD, CHANGE, DELETE = (f"stark:web_department_{page}" for page in ("list", "add", "change", "delete"))


def test_list_searches_by_title_and_filters_by_kind(client, user):
    DepartmentFactory(title="销售一部", kind=Department.Kind.SALES)
    DepartmentFactory(title="销售二部", kind=Department.Kind.SALES)
    DepartmentFactory(title="教学部", kind=Department.Kind.TEACHING)
    login_with(client, user, LIST)
    response = client.get(reverse(LIST), {"q": "销售"})
    assert response.context["total"] == 2
    response = client.get(reverse(LIST), {"kind": Department.Kind.TEACHING})
    assert [text.split(" | ")[0] for text in row_texts(response)] == ["教学部"]


def test_add_and_edit_a_department_with_its_kind(client, user):
    login_with(client, user, LIST, ADD, CHANGE)
    response = client.post(reverse(ADD), {"title": "教质部", "kind": Department.Kind.TEACHING_QUALITY})
    assert response.status_code == 302
    department = Department.objects.get(title="教质部")
    assert department.kind == Department.Kind.TEACHING_QUALITY
    url = reverse(CHANGE, kwargs={"pk": department.pk})
    assert client.get(url).status_code == 200
    client.post(url, {"title": "教学质量部", "kind": Department.Kind.TEACHING_QUALITY})
    department.refresh_from_db()
    assert department.title == "教学质量部"


def test_delete_removes_an_empty_department(client, user):
    department = DepartmentFactory(title="行政部")
    login_with(client, user, LIST, DELETE)
    url = reverse(DELETE, kwargs={"pk": department.pk})
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not Department.objects.filter(pk=department.pk).exists()


def test_delete_is_refused_while_staff_belong_to_the_department(client, user, settings):
    settings.LANGUAGE_CODE = "en"
    department = DepartmentFactory(title="财务部")
    UserFactory(name="钱会计", depart=department)
    login_with(client, user, LIST, DELETE)
    response = client.post(reverse(DELETE, kwargs={"pk": department.pk}))
    assert response.status_code == 200
    assert "cannot be deleted because other data still uses it" in response.content.decode()
    assert "钱会计" in response.content.decode()
    assert Department.objects.filter(pk=department.pk).exists()


def test_list_query_count_does_not_grow_with_rows(client, user, django_assert_max_num_queries, monkeypatch):
    DepartmentFactory.create_batch(5)
    show_one_page(monkeypatch, Department)
    login_with(client, user, LIST, ADD, CHANGE, DELETE)
    client.get(reverse(LIST))
    with django_assert_max_num_queries(50) as baseline:
        client.get(reverse(LIST))
    DepartmentFactory.create_batch(45)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(reverse(LIST))
    assert len(response.context["rows"]) == response.context["total"] >= 50
