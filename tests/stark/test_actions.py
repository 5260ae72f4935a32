import pytest
from django.test import Client

from tests.stark.conftest import grant_all_testapp_pages
from tests.stark.factories import BookFactory, ChapterFactory, PublisherFactory, TagFactory
from tests.stark.testapp.models import Book, Publisher

pytestmark = pytest.mark.django_db

LIST = "/stark/testapp/book/list/"


def test_action_applies_to_the_ticked_rows_only(stark_client):
    a, b, c = BookFactory(), BookFactory(), BookFactory()
    response = stark_client.post(LIST + "?q=Book&page=1", {"action": "multi_archive", "pk": [a.pk, c.pk]})
    assert response["Location"] == LIST + "?q=Book&page=1"
    assert set(Book.objects.filter(status="archived").values_list("pk", flat=True)) == {a.pk, c.pk}
    assert Book.objects.get(pk=b.pk).status == "draft"


def test_action_may_return_its_own_response(stark_client):
    a, b = BookFactory(title="A"), BookFactory(title="B")
    response = stark_client.post(LIST, {"action": "multi_titles", "pk": [b.pk, a.pk]})
    assert response.content == b"A,B"


def test_action_ignores_pks_outside_the_handler_queryset_and_junk(stark_client):
    inside, outside = BookFactory(in_stock=True), BookFactory(in_stock=False)
    response = stark_client.post(
        "/stark/testapp/book/instock/list/",
        {"action": "multi_delete", "pk": [inside.pk, outside.pk, "junk", ""], "confirm": "yes"},
    )
    assert response.status_code == 302
    assert not Book.objects.filter(pk=inside.pk).exists()
    assert Book.objects.filter(pk=outside.pk).exists()


def test_action_ignores_out_of_range_and_non_decimal_pks(stark_client):
    # Beyond the pk column's range (SQLite: OverflowError in ``pk IN``) or a digit int() refuses.
    book = BookFactory()
    response = stark_client.post(
        LIST, {"action": "multi_archive", "pk": [book.pk, "99999999999999999999999", "\u00b2"]}
    )
    assert response.status_code == 302
    assert Book.objects.get(pk=book.pk).status == "archived"


def test_unknown_action_or_no_selection_is_a_message_not_an_error(stark_client):
    book = BookFactory()
    assert stark_client.post(LIST, {"action": "nope", "pk": book.pk}).status_code == 302
    response = stark_client.post(LIST, {"action": "multi_archive"}, follow=True)
    assert "Select at least one row." in response.content.decode()


def test_multi_delete_asks_for_confirmation_with_cascade_summary(stark_client):
    a, b = BookFactory(title="First"), BookFactory(title="Second")
    ChapterFactory(book=a, title="Intro")
    page = stark_client.post(LIST + "?q=i", {"action": "multi_delete", "pk": [a.pk, b.pk]})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Delete these 2 rows?" in html and "chapter: 1" in html and "Intro" in html
    assert f'name="pk" value="{a.pk}"' in html and 'name="confirm" value="yes"' in html
    assert Book.objects.count() == 2
    response = stark_client.post(LIST + "?q=i", {"action": "multi_delete", "pk": [a.pk, b.pk], "confirm": "yes"})
    assert response["Location"] == LIST + "?q=i"
    assert Book.objects.count() == 0


def test_multi_delete_of_protected_rows_reports_instead_of_failing(stark_client):
    busy, idle = PublisherFactory(name="Busy"), PublisherFactory(name="Idle")
    BookFactory(publisher=busy, title="Keeps it busy")
    url = "/stark/testapp/publisher/managed/list/"
    page = stark_client.post(url, {"action": "multi_delete", "pk": [busy.pk, idle.pk]})
    html = page.content.decode()
    assert page.status_code == 200 and "cannot be deleted" in html and "Keeps it busy" in html
    assert 'name="confirm"' not in html
    # a forged confirmation is refused with a message, nothing is deleted
    response = stark_client.post(
        url, {"action": "multi_delete", "pk": [busy.pk, idle.pk], "confirm": "yes"}, follow=True
    )
    assert "cannot be deleted" in response.content.decode()
    assert Publisher.objects.count() == 2


def test_select_across_applies_to_exactly_the_filtered_set(stark_client):
    for i in range(15):
        BookFactory(title=f"Match {i}", status="draft")
    BookFactory(title="Match but published", status="published")
    BookFactory(title="Other draft", status="draft")
    response = stark_client.post(
        LIST + "?q=match&status=draft&page=2", {"action": "multi_archive", "select_across": "1"}
    )
    assert response.status_code == 302
    archived = set(Book.objects.filter(status="archived").values_list("title", flat=True))
    assert archived == {f"Match {i}" for i in range(15)}


def test_select_across_stays_within_the_handler_queryset(stark_client):
    BookFactory(title="In", in_stock=True)
    BookFactory(title="Out", in_stock=False)
    stark_client.post(
        "/stark/testapp/book/instock/list/", {"action": "multi_delete", "select_across": "1", "confirm": "yes"}
    )
    assert list(Book.objects.values_list("title", flat=True)) == ["Out"]


def test_select_across_is_offered_only_with_several_pages(stark_client):
    BookFactory()
    assert "select_across" not in stark_client.get(LIST).content.decode()
    for _ in range(12):
        BookFactory()
    assert "Apply to all 13 rows matching" in stark_client.get(LIST).content.decode()


def test_dedicated_action_url_is_post_only_and_does_the_same(stark_client):
    a, b = BookFactory(), BookFactory()
    assert stark_client.get("/stark/testapp/book/list/multi_archive/").status_code == 405
    response = stark_client.post("/stark/testapp/book/list/multi_archive/?q=x", {"pk": [a.pk]})
    assert response["Location"] == LIST + "?q=x"
    assert Book.objects.get(pk=a.pk).status == "archived" and Book.objects.get(pk=b.pk).status == "draft"


def test_actions_require_the_csrf_token(user):
    book = BookFactory()
    grant_all_testapp_pages(user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    data = {"action": "multi_delete", "pk": book.pk, "confirm": "yes"}
    assert client.post(LIST, data).status_code == 403
    assert client.post("/stark/testapp/book/list/multi_delete/", data).status_code == 403
    assert Book.objects.filter(pk=book.pk).exists()
    token = client.get(LIST).cookies["csrftoken"].value
    assert client.post(LIST, {**data, "csrfmiddlewaretoken": token}).status_code == 302
    assert not Book.objects.filter(pk=book.pk).exists()


def test_select_across_with_a_search_spanning_m2m_can_update_and_delete(stark_client):
    red = TagFactory(name="red")
    BookFactory(title="Red one").tags.add(red, TagFactory(name="reddish"))
    BookFactory(title="Red two").tags.add(red)
    BookFactory(title="Blue")
    stark_client.post(LIST + "?q=red", {"action": "multi_archive", "select_across": "1"})
    assert set(Book.objects.filter(status="archived").values_list("title", flat=True)) == {"Red one", "Red two"}
    stark_client.post(
        LIST + f"?tags={red.pk}&q=red", {"action": "multi_delete", "select_across": "1", "confirm": "yes"}
    )
    assert list(Book.objects.values_list("title", flat=True)) == ["Blue"]
