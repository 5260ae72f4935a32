import datetime

import pytest

from tests.stark.factories import BookFactory, CategoryFactory, ChapterFactory, PublisherFactory
from tests.stark.testapp.models import Book, Chapter

pytestmark = pytest.mark.django_db


def book_data(publisher, **overrides) -> dict:
    data = {
        "title": "New book",
        "summary": "",
        "pages": "120",
        "price": "19.90",
        "in_stock": "on",
        "published": "2026-04-01",
        "created": "2026-04-01T09:30",
        "status": "draft",
        "publisher": str(publisher.pk),
        "category": "",
    }
    data.update(overrides)
    return data


def test_add_page_uses_bootstrap_and_native_date_inputs(stark_client):
    html = stark_client.get("/stark/testapp/book/add/").content.decode()
    assert 'type="date" name="published"' in html
    assert 'type="datetime-local" name="created"' in html
    assert 'class="form-control' in html  # rendered by django-bootstrap4
    assert 'name="csrfmiddlewaretoken"' in html


def test_fk_choices_respect_limit_choices_to(stark_client):
    CategoryFactory(name="Active one")
    CategoryFactory(name="Retired one", active=False)
    html = stark_client.get("/stark/testapp/book/add/").content.decode()
    assert "Active one" in html and "Retired one" not in html


def test_add_saves_and_returns_to_the_list_as_it_was_left(stark_client):
    publisher = PublisherFactory()
    response = stark_client.post(
        "/stark/testapp/book/add/?_filter=q%3Dnew%26page%3D2%26o%3D-title", book_data(publisher)
    )
    assert response.status_code == 302
    assert response["Location"] == "/stark/testapp/book/list/?q=new&page=2&o=-title"
    book = Book.objects.get(title="New book")
    assert book.published == datetime.date(2026, 4, 1)
    assert book.created.astimezone(datetime.UTC) == datetime.datetime(2026, 4, 1, 1, 30, tzinfo=datetime.UTC)


def test_invalid_form_shows_errors_and_keeps_input(stark_client):
    publisher = PublisherFactory()
    response = stark_client.post("/stark/testapp/book/add/", book_data(publisher, title="Kept title", pages="many"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Kept title"' in html
    assert "is-invalid" in html and "Enter a whole number." in html
    assert not Book.objects.exists()


def test_change_prefills_and_saves(stark_client):
    book = BookFactory(title="Old")
    url = f"/stark/testapp/book/{book.pk}/change/?_filter=status%3Ddraft"
    assert 'value="Old"' in stark_client.get(url).content.decode()
    response = stark_client.post(url, book_data(book.publisher, title="Renamed"))
    assert response["Location"] == "/stark/testapp/book/list/?status=draft"
    book.refresh_from_db()
    assert book.title == "Renamed"


@pytest.mark.parametrize(
    "attack",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)", "http:evil.example"],
)
def test_filter_and_next_never_leave_the_site(stark_client, attack):
    book = BookFactory()
    from urllib.parse import quote

    response = stark_client.post(
        f"/stark/testapp/book/{book.pk}/change/?_filter={quote(attack)}&next={quote(attack)}",
        book_data(book.publisher),
    )
    location = response["Location"]
    assert location.startswith("/stark/testapp/book/list/")
    assert "evil" not in location.split("?")[0]


def test_safe_local_next_is_followed(stark_client):
    book = BookFactory()
    response = stark_client.post(
        f"/stark/testapp/book/{book.pk}/change/?next=/stark/testapp/book/instock/list/", book_data(book.publisher)
    )
    assert response["Location"] == "/stark/testapp/book/instock/list/"


def test_unknown_and_filtered_out_pk_give_404(stark_client):
    out_of_stock = BookFactory(in_stock=False)
    assert stark_client.get("/stark/testapp/book/999999/change/").status_code == 404
    assert stark_client.get(f"/stark/testapp/book/instock/{out_of_stock.pk}/change/").status_code == 404
    assert stark_client.post(f"/stark/testapp/book/instock/{out_of_stock.pk}/delete/").status_code == 404
    assert Book.objects.filter(pk=out_of_stock.pk).exists()


def test_add_and_change_forms_may_differ_and_save_hook_sets_server_fields(stark_client, user):
    publisher = PublisherFactory()
    add_html = stark_client.get("/stark/testapp/book/instock/add/").content.decode()
    assert 'name="publisher"' in add_html and 'name="status"' not in add_html
    stark_client.post(
        "/stark/testapp/book/instock/add/",
        {"title": "Hooked", "publisher": publisher.pk, "published": "2026-01-01", "created": "2026-01-01T08:00"},
    )
    book = Book.objects.get(title="Hooked")
    assert book.summary == f"saved by {user.username} (add)"
    change_html = stark_client.get(f"/stark/testapp/book/instock/{book.pk}/change/").content.decode()
    assert 'name="status"' in change_html and 'name="publisher"' not in change_html
    stark_client.post(
        f"/stark/testapp/book/instock/{book.pk}/change/", {"title": "Hooked", "pages": "5", "status": "published"}
    )
    book.refresh_from_db()
    assert (book.status, book.summary) == ("published", f"saved by {user.username} (update)")


def test_url_kwargs_set_the_parent_not_the_form(stark_client):
    book = BookFactory()
    response = stark_client.post(f"/stark/testapp/chapter/{book.pk}/add/", {"title": "One", "book": "999"})
    assert response["Location"] == f"/stark/testapp/chapter/{book.pk}/list/"
    assert Chapter.objects.get(title="One").book == book


def test_child_of_another_parent_gives_404(stark_client):
    chapter = ChapterFactory()
    other_book = BookFactory()
    assert stark_client.get(f"/stark/testapp/chapter/{other_book.pk}/{chapter.pk}/change/").status_code == 404


# --- issue 16: a ValidationError raised by the handler's save is a form error, not a 500 -------------
def _refusing_save(monkeypatch, message):
    from django.core.exceptions import ValidationError

    from stark.sites import site

    handler = site.get_handler(Book)
    original = handler.save

    def save(request, form, is_update, *args, **kwargs):
        original(request, form, is_update, *args, **kwargs)  # writes, then refuses: must be rolled back
        raise ValidationError(message)

    monkeypatch.setattr(handler, "save", save)


def test_a_save_refused_by_a_validation_error_shows_it_on_the_add_form_and_writes_nothing(stark_client, monkeypatch):
    publisher = PublisherFactory()
    _refusing_save(monkeypatch, "The publisher closed meanwhile.")
    response = stark_client.post("/stark/testapp/book/add/", book_data(publisher))
    assert response.status_code == 200
    assert "The publisher closed meanwhile." in response.content.decode()
    assert not Book.objects.exists()


def test_a_save_refused_by_a_validation_error_keeps_the_row_unchanged_on_the_change_form(stark_client, monkeypatch):
    publisher = PublisherFactory()
    book = BookFactory(title="Old title", publisher=publisher)
    _refusing_save(monkeypatch, {"title": "This title was taken meanwhile."})
    response = stark_client.post(f"/stark/testapp/book/{book.pk}/change/", book_data(publisher, title="New title"))
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == ["This title was taken meanwhile."]
    book.refresh_from_db()
    assert book.title == "Old title"
