"""The nested CRM pages declare their parent to stark: it is read once per request, and a
parent outside the user's scope is 404 on every page (GET and POST)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ConsultRecordFactory, CustomerFactory, PaymentRecordFactory
from tests.permissions import grant_permissions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def payments_page(consultant1):
    grant_permissions(consultant1, "stark:web_paymentrecord_list")


PAGES = ["stark:web_consultrecord_list", "stark:web_consultrecord_add", "stark:web_paymentrecord_list"]


def customer_reads(queries) -> int:
    table = "web_customer"
    return sum(
        1
        for q in queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and (f'FROM "{table}"' in q["sql"] or f"FROM `{table}`" in q["sql"])
    )


@pytest.mark.parametrize("name", PAGES)
def test_the_parent_customer_is_read_once_per_request(client, consultant1, name):
    customer = CustomerFactory(consultant=consultant1)
    for _ in range(3):
        ConsultRecordFactory(customer=customer, consultant=consultant1)
        PaymentRecordFactory(customer=customer, consultant=consultant1)
    client.force_login(consultant1)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name, kwargs={"customer_id": customer.pk})).status_code == 200
    assert customer_reads(queries.captured_queries) == 1


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_consultants_customer_is_404(client, consultant1, consultant2, name, method):
    foreign = CustomerFactory(consultant=consultant2)
    client.force_login(consultant1)
    url = reverse(name, kwargs={"customer_id": foreign.pk})
    response = client.post(url, {"note": "x", "action": "multi_delete"}) if method == "post" else client.get(url)
    assert response.status_code == 404
    assert foreign.consult_records.count() == 0
