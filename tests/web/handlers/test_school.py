"""Campus pages: list + search, add, edit, delete, delete refused while classes use the campus."""

import pytest
from django.urls import reverse

from tests.factories import ClassListFactory, SchoolFactory
from tests.web.handlers.base_pages import login_with, row_texts, show_one_page
from web.models import School

pytestmark = pytest.mark.django_db

LIST, ADD, CHANGE, DELETE = (f"stark:web_school_{page}" for page in ("list", "add", "change", "delete"))


def test_list_shows_campuses_and_fuzzy_search_by_title_narrows_them(client, user):
    SchoolFactory(title="北京沙河校区")
    SchoolFactory(title="上海浦东校区")
    login_with(client, user, LIST)
    response = client.get(reverse(LIST))
    assert response.status_code == 200
    assert response.context["total"] == 2
    response = client.get(reverse(LIST), {"q": "沙河"})
    assert response.context["total"] == 1
    assert "北京沙河校区" in row_texts(response)[0]


def test_add_creates_a_campus_and_returns_to_the_list(client, user):
    login_with(client, user, LIST, ADD)
    assert client.get(reverse(ADD)).status_code == 200
    response = client.post(reverse(ADD), {"title": "深圳南山校区"})
    assert response.status_code == 302
    assert response.url == reverse(LIST)
    assert School.objects.filter(title="深圳南山校区").exists()


def test_add_refuses_a_duplicate_title(client, user):
    SchoolFactory(title="深圳南山校区")
    login_with(client, user, ADD)
    response = client.post(reverse(ADD), {"title": "深圳南山校区"})
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert School.objects.filter(title="深圳南山校区").count() == 1


def test_edit_renames_and_returns_to_the_filtered_list(client, user):
    school = SchoolFactory(title="北京沙河校区")
    login_with(client, user, LIST, CHANGE)
    url = reverse(CHANGE, kwargs={"pk": school.pk}) + "?_filter=q%3D%E5%8C%97%E4%BA%AC"
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "北京昌平校区"})
    assert response.status_code == 302
    assert response.url == reverse(LIST) + "?q=%E5%8C%97%E4%BA%AC"
    school.refresh_from_db()
    assert school.title == "北京昌平校区"


def test_delete_removes_an_unused_campus(client, user):
    school = SchoolFactory()
    login_with(client, user, LIST, DELETE)
    url = reverse(DELETE, kwargs={"pk": school.pk})
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not School.objects.filter(pk=school.pk).exists()


def test_delete_is_refused_with_a_message_while_classes_use_the_campus(client, user, settings):
    settings.LANGUAGE_CODE = "en"
    klass = ClassListFactory(school__title="北京沙河校区")
    login_with(client, user, LIST, DELETE)
    url = reverse(DELETE, kwargs={"pk": klass.school_id})
    response = client.post(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "cannot be deleted because other data still uses it" in content
    assert str(klass) in content
    assert School.objects.filter(pk=klass.school_id).exists()


def test_unknown_campus_is_404(client, user):
    login_with(client, user, CHANGE, DELETE)
    assert client.get(reverse(CHANGE, kwargs={"pk": 999999})).status_code == 404
    assert client.post(reverse(DELETE, kwargs={"pk": 999999})).status_code == 404


def test_list_query_count_does_not_grow_with_rows(client, user, django_assert_max_num_queries, monkeypatch):
    SchoolFactory.create_batch(5)
    show_one_page(monkeypatch, School)
    login_with(client, user, LIST, ADD, CHANGE, DELETE)
    client.get(reverse(LIST))  # warm up the session and permission caches
    with django_assert_max_num_queries(50) as baseline:
        client.get(reverse(LIST))
    SchoolFactory.create_batch(45)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(reverse(LIST))
    assert len(response.context["rows"]) == response.context["total"] >= 50
