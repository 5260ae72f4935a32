"""The sales manager's all-customers list: reassignment (multi_reassign) and read-only follow-ups."""

import re

import pytest
from django.urls import reverse

from tests.factories import ConsultRecordFactory, CustomerFactory, UserFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import CONSULTANT_PERMISSIONS, MANAGER_PERMISSIONS, make_consultant, messages_of
from web.fields import pinyin_sort_key
from web.models import Customer

pytestmark = pytest.mark.django_db

LIST = reverse("stark:web_customer_all_list")
REASSIGN = reverse("stark:web_customer_all_multi_reassign")


def record_url(customer):
    return reverse("stark:web_customer_all_record", kwargs={"pk": customer.pk})


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def manager(client):
    user = make_consultant("manager1", name="王主管")
    grant_permissions(
        user, *MANAGER_PERMISSIONS, "stark:web_customer_all_multi_reassign", "stark:web_customer_all_record"
    )
    client.force_login(user)
    return user


@pytest.fixture
def leaving():
    return make_consultant("leaving", name="离职顾问")


@pytest.fixture
def target():
    return make_consultant("target", name="接手顾问")


def test_reassign_asks_whom_to_with_nothing_preselected_and_names_the_customers(client, manager, leaving, target):
    customers = [CustomerFactory(consultant=leaving, name=f"客户{n:02d}") for n in range(22)]
    gone = make_consultant("gone", name="已停用", is_active=False)

    response = client.post(
        LIST + f"?consultant={leaving.pk}", {"action": "multi_reassign", "pk": [c.pk for c in customers]}
    )

    assert response.status_code == 200
    field = response.context["form"]["consultant"]
    choices = [str(label) for _value, label in field.field.choices]
    assert choices[0] == "— please choose —" and field.value() is None
    assert "接手顾问" in choices and "离职顾问" in choices
    assert "王主管" not in choices and "已停用" not in choices  # not himself, not a deactivated one
    assert gone.pk not in [value for value, _label in field.field.choices]
    assert len(response.context["names"]) == 20 and response.context["more"] == 2
    assert response.context["list_url"] == LIST + f"?consultant={leaving.pk}"  # cancel keeps the filter
    assert Customer.objects.filter(consultant=leaving).count() == 22


def test_reassign_without_a_choice_is_refused_and_moves_nothing(client, manager, leaving):
    customer = CustomerFactory(consultant=leaving)
    response = client.post(REASSIGN, {"pk": [customer.pk], "consultant": ""})
    assert response.status_code == 200 and response.context["form"].errors["consultant"]
    customer.refresh_from_db()
    assert customer.consultant == leaving


def test_reassign_moves_and_the_numbers_add_up(client, manager, leaving, target, settings):
    settings.CUSTOMER_PRIVATE_POOL_CAP = 3
    CustomerFactory(consultant=target)
    mine = [CustomerFactory(consultant=leaving), CustomerFactory(consultant=leaving)]
    public = CustomerFactory()
    theirs = CustomerFactory(consultant=target)
    leaving.is_active = False  # someone who left: their customers must not be stranded
    leaving.save()

    response = client.post(REASSIGN, {"pk": [mine[0].pk, mine[1].pk, public.pk, theirs.pk], "consultant": target.pk})

    assert messages_of(response) == [
        "Moved 1 of 4 selected customers to 接手顾问. Not done: 1 already with them; "
        "1 in the public pool (assign those instead); 1 over the cap of 3 unsigned customers in a private pool."
    ]
    assert Customer.objects.get(pk=mine[0].pk).consultant == target  # the first in the list's order
    assert Customer.objects.get(pk=mine[1].pk).consultant == leaving


def test_reassign_all_matching_takes_the_rows_in_the_lists_order(client, manager, leaving, target, settings):
    settings.CUSTOMER_PRIVATE_POOL_CAP = 2
    for name in ("丙", "甲", "乙"):
        CustomerFactory(consultant=leaving, name=name)
    query = f"?consultant={leaving.pk}&o=-name"

    response = client.post(REASSIGN + query, {"select_across": "1", "consultant": target.pk})

    assert sorted(Customer.objects.filter(consultant=target).values_list("name", flat=True)) == sorted(
        sorted(["丙", "甲", "乙"], key=pinyin_sort_key, reverse=True)[:2]
    )
    assert messages_of(response)[0].startswith("Moved 2 of 3 selected customers")


def test_manager_reads_any_customers_follow_ups_from_the_list(client, manager, leaving):
    customer = CustomerFactory(consultant=leaving, name="私户客户")
    ConsultRecordFactory(customer=customer, consultant=leaving, note="下周再联系")

    list_html = client.get(LIST, {"q": "私户"}).content.decode()
    assert record_url(customer) in list_html
    page = client.get(record_url(customer) + "?_filter=q%3D%E7%A7%81")
    assert "下周再联系" in page.content.decode()
    assert page.context["list_url"] == LIST + "?q=%E7%A7%81"
    assert b'name="note"' not in page.content  # read-only: no form


def test_a_consultant_can_neither_reassign_nor_read_the_follow_ups_here(client, leaving, target):
    customer = CustomerFactory(consultant=leaving)
    grant_permissions(target, *CONSULTANT_PERMISSIONS)
    client.force_login(target)
    assert client.get(record_url(customer)).status_code == 403
    assert client.post(REASSIGN, {"pk": [customer.pk], "consultant": target.pk}).status_code == 403
    customer.refresh_from_db()
    assert customer.consultant == leaving


def consultant_filter(html: str) -> str:
    return html.split('data-option="consultant"', 1)[1].split("</div>", 1)[0]


def test_the_consultant_filter_offers_each_sales_member_by_name_or_user_name(client, manager, leaving, target):
    nameless = make_consultant("nameless_consultant", name="")
    UserFactory(username="teacher_x", name="班主任X")  # not in a sales department
    CustomerFactory(consultant=leaving, name="甲")
    CustomerFactory(consultant=target, name="乙")
    row = consultant_filter(client.get(LIST).content.decode())
    assert "离职顾问" in row and "接手顾问" in row and "nameless_consultant" in row
    assert "班主任X" not in row
    assert f"consultant={nameless.pk}" in row
    response = client.get(LIST, {"consultant": leaving.pk})
    assert "甲" in response.content.decode().split("<tbody>", 1)[1]
    assert "乙" not in response.content.decode().split("<tbody>", 1)[1]


def test_a_school_with_many_consultants_finds_one_by_name_and_keeps_the_other_filters(client, manager, leaving):
    for n in range(40):
        make_consultant(f"extra{n}", name=f"顾问{n:02d}")
    CustomerFactory(consultant=leaving, name="甲", status=Customer.Status.UNSIGNED)
    CustomerFactory(consultant=leaving, name="乙", status=Customer.Status.SIGNED)
    signed = {"status": Customer.Status.SIGNED}
    html = client.get(LIST, signed).content.decode()
    row = consultant_filter(html)
    assert 'name="consultant_find"' in row and "顾问07" not in row  # no link per consultant
    assert f'<input type="hidden" name="status" value="{Customer.Status.SIGNED}">' in row

    row = consultant_filter(client.get(LIST, {**signed, "consultant_find": "离职"}).content.decode())
    link = re.search(r'<a href="([^"]+)"[^>]*>离职顾问</a>', row).group(1).replace("&amp;", "&")
    assert "consultant_find" not in link and f"consultant={leaving.pk}" in link
    body = client.get(LIST + link).content.decode()
    assert "乙" in body.split("<tbody>", 1)[1] and "甲" not in body.split("<tbody>", 1)[1]
    assert re.search(r'class="[^"]*active"[^>]*>离职顾问</a>', consultant_filter(body))  # shown as chosen

    more = consultant_filter(client.get(LIST, {"consultant_find": "顾问"}).content.decode())
    assert more.count("<a ") == 31  # "All" and the first 30 of 41 matches
    assert "type more of the name" in more


def test_the_all_customers_list_reads_the_consultant_choices_in_one_query_whatever_their_number(
    client, manager, django_assert_max_num_queries
):
    for n in range(5):
        make_consultant(f"few{n}")
    client.get(LIST)
    with django_assert_max_num_queries(40) as few:
        client.get(LIST)
    for n in range(60):
        make_consultant(f"many{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST)
