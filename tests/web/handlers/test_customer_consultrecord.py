"""Follow-up pages of one of my customers: every foreign customer or record id is a 404."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import ConsultRecordFactory, CustomerFactory
from tests.web.customers_support import make_consultant
from web.models import ConsultRecord

pytestmark = pytest.mark.django_db


def url(name, customer, record=None):
    kwargs = {"customer_id": customer.pk}
    if record is not None:
        kwargs["pk"] = record.pk
    return reverse(f"stark:web_consultrecord_{name}", kwargs=kwargs)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def first_customer(consultant1):
    return CustomerFactory(consultant=consultant1, name="一号的客户")


@pytest.fixture
def first_record(first_customer, consultant1):
    return ConsultRecordFactory(customer=first_customer, consultant=consultant1, note="一号写的跟进")


def test_list_shows_the_customers_follow_ups(client, consultant1, first_record):
    client.force_login(consultant1)

    response = client.get(url("list", first_record.customer))

    assert response.status_code == 200
    assert "一号写的跟进" in response.content.decode()
    assert "一号的客户" in response.context["title"]


def test_add_sets_customer_consultant_and_last_follow_up_from_the_server(
    client, consultant1, consultant2, first_customer
):
    other = CustomerFactory(consultant=consultant2)
    client.force_login(consultant1)

    response = client.post(
        url("add", first_customer),
        {"note": "约了周六试听", "customer": other.pk, "consultant": consultant2.pk, "date": "2020-01-01"},
    )

    assert response.status_code == 302
    record = ConsultRecord.objects.get()
    assert (record.customer, record.consultant, record.date) == (first_customer, consultant1, timezone.localdate())
    first_customer.refresh_from_db()
    assert first_customer.last_consult_date == timezone.localdate()


def test_edit_changes_the_note_only(client, consultant1, first_record):
    first_record.date = datetime.date(2026, 1, 2)
    first_record.save()
    client.force_login(consultant1)

    response = client.post(url("change", first_record.customer, first_record), {"note": "改过的跟进"})

    assert response.status_code == 302
    first_record.refresh_from_db()
    assert (first_record.note, first_record.date) == ("改过的跟进", datetime.date(2026, 1, 2))


def test_delete_removes_my_record(client, consultant1, first_record):
    client.force_login(consultant1)

    response = client.post(url("delete", first_record.customer, first_record))

    assert response.status_code == 302
    assert not ConsultRecord.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_second_consultant_gets_404_on_every_follow_up_url_of_the_first(client, consultant2, first_record, method):
    customer = first_record.customer
    client.force_login(consultant2)
    send = getattr(client, method)

    for target in (
        url("list", customer),
        url("add", customer),
        url("change", customer, first_record),
        url("delete", customer, first_record),
    ):
        assert send(target, {"note": "偷写"}).status_code == 404, target

    first_record.refresh_from_db()
    assert first_record.note == "一号写的跟进"
    assert ConsultRecord.objects.count() == 1


def test_a_record_of_another_customer_under_my_customer_id_is_404(client, consultant1, consultant2, first_customer):
    theirs = ConsultRecordFactory(customer=CustomerFactory(consultant=consultant2), consultant=consultant2)
    client.force_login(consultant1)

    assert client.get(url("change", first_customer, theirs)).status_code == 404
    assert client.post(url("change", first_customer, theirs), {"note": "x"}).status_code == 404
    assert client.post(url("delete", first_customer, theirs)).status_code == 404
    assert ConsultRecord.objects.filter(pk=theirs.pk).exists()


def test_follow_ups_of_a_public_customer_are_not_editable_here(client, consultant1):
    public = CustomerFactory()
    record = ConsultRecordFactory(customer=public, consultant=consultant1)
    client.force_login(consultant1)

    assert client.get(url("list", public)).status_code == 404
    assert client.post(url("change", public, record), {"note": "x"}).status_code == 404


def test_without_the_permission_it_is_403_not_404(client, first_record):
    outsider = make_consultant("newbie")
    client.force_login(outsider)

    assert client.get(url("list", first_record.customer)).status_code == 403


def test_notes_are_escaped(client, consultant1, first_customer):
    ConsultRecordFactory(customer=first_customer, consultant=consultant1, note="<script>alert(1)</script>")
    client.force_login(consultant1)

    html = client.get(url("list", first_customer)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_list_queries_do_not_grow_with_rows(client, consultant1, first_customer, django_assert_max_num_queries):
    for _ in range(2):
        ConsultRecordFactory(customer=first_customer, consultant=consultant1)
    client.force_login(consultant1)
    client.get(url("list", first_customer))
    with CaptureQueriesContext(connection) as few:
        client.get(url("list", first_customer))
    for _ in range(18):
        ConsultRecordFactory(customer=first_customer, consultant=consultant1)

    with django_assert_max_num_queries(len(few)):
        response = client.get(url("list", first_customer))
    assert len(response.context["rows"]) == 20
