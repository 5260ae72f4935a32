import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import resolve, reverse

from stark.handlers import StarkHandler
from stark.sites import StarkSite, site
from tests.stark.testapp.models import Book, Chapter, Tag


def test_autodiscovered_registrations_get_design_url_paths_and_names():
    assert reverse("stark:testapp_book_list") == "/stark/testapp/book/list/"
    assert reverse("stark:testapp_book_add") == "/stark/testapp/book/add/"
    assert reverse("stark:testapp_book_change", kwargs={"pk": 7}) == "/stark/testapp/book/7/change/"
    assert reverse("stark:testapp_book_delete", kwargs={"pk": 7}) == "/stark/testapp/book/7/delete/"


def test_same_model_registered_twice_with_a_prefix():
    assert reverse("stark:testapp_book_instock_list") == "/stark/testapp/book/instock/list/"
    assert reverse("stark:testapp_book_instock_change", kwargs={"pk": 3}) == "/stark/testapp/book/instock/3/change/"
    assert site.get_handler(Book).prefix is None
    assert site.get_handler(Book, "instock").prefix == "instock"


def test_each_batch_action_has_its_own_post_only_url_name():
    assert reverse("stark:testapp_book_multi_delete") == "/stark/testapp/book/list/multi_delete/"
    assert reverse("stark:testapp_book_multi_archive") == "/stark/testapp/book/list/multi_archive/"


def test_route_prefix_and_extra_urls_carry_url_kwargs():
    assert reverse("stark:testapp_chapter_list", kwargs={"book_id": 4}) == "/stark/testapp/chapter/4/list/"
    assert (
        reverse("stark:testapp_chapter_change", kwargs={"book_id": 4, "pk": 9}) == "/stark/testapp/chapter/4/9/change/"
    )
    assert resolve("/stark/testapp/chapter/4/count/").url_name == "testapp_chapter_count"


def test_handler_class_keyword_of_the_shared_contract_is_accepted():
    assert type(site.get_handler(Tag)) is StarkHandler


def test_registering_the_same_model_and_prefix_twice_fails_early():
    other = StarkSite(name="other")
    other.register(Chapter)
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        other.register(Chapter)
    other.register(Chapter, prefix="mine")


def test_bad_prefix_and_handler_class_are_refused():
    other = StarkSite(name="other")
    with pytest.raises(ImproperlyConfigured):
        other.register(Chapter, prefix="has space")
    with pytest.raises(ImproperlyConfigured):
        other.register(Chapter, object)


def test_get_urls_can_drop_standard_pages():
    class ListOnly(StarkHandler):
        def get_urls(self):
            return super().get_urls()[:1]

    other = StarkSite(name="other")
    other.register(Chapter, ListOnly)
    names = [p.name for resolver in other.get_urls() for p in resolver.url_patterns]
    assert names == ["testapp_chapter_list"]


@pytest.mark.django_db
def test_requests_leave_no_state_on_the_shared_handler(stark_client):
    from tests.stark.factories import BookFactory

    handler = site.get_handler(Book)
    before = dict(vars(handler))
    book = BookFactory()
    stark_client.get("/stark/testapp/book/list/", {"q": "x", "status": "draft", "o": "title"})
    stark_client.get(f"/stark/testapp/book/{book.pk}/change/")
    stark_client.post("/stark/testapp/book/list/", {"action": "multi_archive", "pk": book.pk})
    assert vars(handler) == before
