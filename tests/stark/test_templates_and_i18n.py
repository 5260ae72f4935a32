import pytest

from tests.stark.factories import BookFactory, PublisherFactory

pytestmark = pytest.mark.django_db


def test_handler_template_overrides_most_specific_first(stark_client):
    book = BookFactory()
    assert 'id="tag-list-override"' in stark_client.get("/stark/testapp/tag/list/").content.decode()
    assert 'id="tag-list-override"' not in stark_client.get("/stark/testapp/category/list/").content.decode()
    # a prefix has its own level: instock/delete.html is used only by the instock handler
    assert (
        'id="instock-delete-override"'
        in stark_client.get(f"/stark/testapp/book/instock/{book.pk}/delete/").content.decode()
    )
    assert (
        'id="instock-delete-override"'
        not in stark_client.get(f"/stark/testapp/book/{book.pk}/delete/").content.decode()
    )


def test_pages_are_translated_to_chinese(stark_client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    PublisherFactory()
    html = stark_client.get("/stark/testapp/publisher/list/").content.decode()
    assert "共 1 行" in html and "添加" in html
