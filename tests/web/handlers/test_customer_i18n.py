"""The customer pages speak Chinese by default."""

import pytest
from django.urls import reverse

from tests.factories import CustomerFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import CONSULTANT_PERMISSIONS, make_consultant, messages_of

pytestmark = pytest.mark.django_db


def test_public_pool_and_claim_message_are_in_chinese(client):
    consultant = make_consultant("consultant1")
    grant_permissions(consultant, *CONSULTANT_PERMISSIONS)
    customer = CustomerFactory()
    client.force_login(consultant)

    page = client.get(reverse("stark:web_customer_pub_list")).content.decode()
    claim = client.post(reverse("stark:web_customer_pub_multi_claim"), {"pk": [customer.pk]})

    assert "公户" in page
    assert "申领到我的私户" in page
    assert messages_of(claim) == ["所选 1 个客户中已申领 1 个到您的私户。"]
