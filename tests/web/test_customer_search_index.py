"""The customer search index (web/search.py, stark.search_index): the same rows as LIKE '%…%', kept
current by every write of a name or QQ (save, service, bulk insert, delete, rollback)."""

import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from stark.models import SearchGram
from stark.search_index import MAX_GRAM, grams
from tests.factories import CustomerFactory, UserFactory
from web.models import Customer
from web.search import CUSTOMER_SEARCH_FIELDS, customer_index, customer_search, reindex_customers
from web.services.customers import customer_create_private, customer_update

pytestmark = pytest.mark.django_db

#: A small alphabet, so random fragments often match: common surname/given-name characters and ASCII.
HAN = "王李张刘陈杨芳伟娜敏静丽强磊军洋"
ASCII = "abcAB"
DIGITS = "0123456789"


def like(word: str) -> set[int]:
    """What a plain LIKE '%word%' on the name or the QQ finds."""
    return set(Customer.objects.filter(Q(name__icontains=word) | Q(qq__icontains=word)).values_list("pk", flat=True))


def indexed(word: str, queryset=None) -> set[int]:
    queryset = Customer.objects.all() if queryset is None else queryset
    return set(customer_search.apply(queryset, ["name", "qq"], word).values_list("pk", flat=True))


def random_name(rng: random.Random) -> str:
    return "".join(rng.choice(HAN + ASCII) for _n in range(rng.randint(1, 4)))


def random_qq(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0128") for _n in range(rng.randint(5, 9))) + f"{n:03d}"


def fragments(rng: random.Random, count: int) -> list[str]:
    """Words to search: parts of existing values, and random ones."""
    values = list(Customer.objects.values_list("name", "qq"))
    words = []
    for _n in range(count):
        name, qq = rng.choice(values)
        value = rng.choice([name, qq])
        start = rng.randrange(len(value))
        words.append(value[start : start + rng.randint(1, 5)])
        words.append("".join(rng.choice(HAN + ASCII + DIGITS) for _k in range(rng.randint(1, 4))))
    return words


def assert_index_equals_like(rng: random.Random, count: int = 80) -> None:
    for word in fragments(rng, count):
        assert indexed(word) == like(word), word
    assert customer_index.check() == []


def test_grams_are_the_suffixes_of_the_lower_cased_value():
    assert grams("张芳") == {"张芳", "芳"}
    assert grams("88800002", 3) == {"88800002", "8800002", "800002", "00002", "0002", "002"}
    assert grams("Li Na") == {"li na", "i na", "na", "a"}  # no suffix starts with white space
    assert grams("") == set() and grams(None) == set()
    assert max(len(gram) for gram in grams("x" * 40)) == MAX_GRAM


def test_random_names_and_numbers_give_the_same_rows_as_like():
    rng = random.Random(15)
    for n in range(150):
        CustomerFactory(name=random_name(rng), qq=random_qq(rng, n))
    assert_index_equals_like(rng)


def test_a_word_longer_than_the_stored_fragments_is_verified_against_the_row():
    long_a = CustomerFactory(name="a" * 20 + "张", qq="1" * 20 + "2")
    CustomerFactory(name="a" * 20 + "王", qq="1" * 20 + "3")
    assert indexed("a" * 18 + "张") == {long_a.pk} == like("a" * 18 + "张")
    assert indexed("1" * 19 + "2") == {long_a.pk} == like("1" * 19 + "2")


def test_searching_uses_the_index_and_checks_each_hit(client):
    CustomerFactory(name="张芳", qq="88800002")
    with CaptureQueriesContext(connection) as captured:
        assert len(indexed("800002")) == 1
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert "stark_searchgram" in sql and "LIKE" in sql.upper()


def test_updates_renames_and_deletes_keep_the_index_current():
    rng = random.Random(7)
    customers = [CustomerFactory(name=random_name(rng), qq=random_qq(rng, n)) for n in range(60)]
    for customer in customers[:20]:
        customer.name = random_name(rng)
        customer.save()  # every field
    for customer in customers[20:30]:
        customer.qq = random_qq(rng, 500 + customer.pk)
        customer.save(update_fields=["qq"])
    for customer in customers[30:40]:
        customer.name = random_name(rng)
        customer_update(customer=customer, fields=["name"], holder=None)  # the edit service
    customers[40].delete()
    Customer.objects.filter(pk__in=[c.pk for c in customers[41:45]]).delete()
    assert not SearchGram.objects.filter(object_id__in=[c.pk for c in customers[40:45]]).exists()
    assert_index_equals_like(rng)


def test_a_rolled_back_write_leaves_no_fragment():
    kept = CustomerFactory(name="王伟", qq="12345678")
    with pytest.raises(RuntimeError), transaction.atomic():
        CustomerFactory(name="李娜", qq="55566677")
        kept.name = "张强"
        kept.save()
        raise RuntimeError("rolled back")
    assert indexed("李娜") == set() == like("李娜")
    assert indexed("556667") == set()
    assert indexed("王伟") == {kept.pk} and indexed("张强") == set()
    assert customer_index.check() == []


def test_the_private_create_service_indexes_the_new_customer():
    consultant = UserFactory()
    customer = customer_create_private(consultant=consultant, customer=Customer(name="陈静", qq="70707070", gender="f"))
    assert indexed("静") == {customer.pk} and indexed("0707") == {customer.pk}


def test_a_bulk_insert_is_indexed_by_reindex_customers():
    rng = random.Random(3)
    with transaction.atomic():
        Customer.objects.bulk_create(
            [Customer(name=random_name(rng), qq=random_qq(rng, n), gender="m") for n in range(120)]
        )
        assert not SearchGram.objects.exists()  # bulk_create skips save(): nothing indexed yet
        reindex_customers(Customer.objects.values_list("pk", flat=True))
    assert_index_equals_like(rng)


def test_a_bulk_insert_rolled_back_leaves_no_fragment():
    with pytest.raises(RuntimeError), transaction.atomic():
        Customer.objects.bulk_create([Customer(name=f"批量{n}", qq=f"9990{n:04d}", gender="m") for n in range(30)])
        reindex_customers(Customer.objects.values_list("pk", flat=True))
        raise RuntimeError("rolled back")
    assert not SearchGram.objects.exists()


def test_the_command_checks_and_rebuilds(capsys):
    rng = random.Random(11)
    for n in range(40):
        CustomerFactory(name=random_name(rng), qq=random_qq(rng, n))
    call_command("search_index", "--check")
    # Writes behind the index's back (raw UPDATE, lost fragments): the check notices, a rebuild repairs.
    Customer.objects.filter(pk=Customer.objects.first().pk).update(name="漏掉")
    SearchGram.objects.filter(object_id=Customer.objects.last().pk).delete()
    with pytest.raises(CommandError, match="2 rows indexed wrongly"):
        call_command("search_index", "--check")
    call_command("search_index", "--rebuild", "--check")
    assert "index matches every row" in capsys.readouterr().out
    assert_index_equals_like(rng)


def test_the_migration_indexes_existing_customers():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("web.migrations.0003_i15_customer_search_index")
    assert migration.FIELDS == {"name": 1, "qq": 3}  # frozen; fields added later need their own rebuild
    rng = random.Random(5)
    with transaction.atomic():
        Customer.objects.bulk_create([Customer(name=random_name(rng), qq=random_qq(rng, n)) for n in range(50)])

    class Editor:
        connection = connection

    migration.build(apps, Editor())
    assert_index_equals_like(rng, 40)


def test_short_numbers_and_unindexed_lookups_fall_back_to_like():
    a = CustomerFactory(name="王芳", qq="12000", company="联想")
    b = CustomerFactory(name="李12", qq="99999")
    # "12" is shorter than the 3 digits the QQ fragments answer: a LIKE on the QQ, the index for the name.
    assert CUSTOMER_SEARCH_FIELDS["qq"] == 3
    assert indexed("12") == {a.pk, b.pk} == like("12")
    found = customer_search.apply(Customer.objects.all(), ["name", "company"], "联想")
    assert list(found) == [a]


def test_many_candidates_still_give_the_like_rows(monkeypatch):
    monkeypatch.setattr("stark.search_index.MAX_LITERAL_CANDIDATES", 3)  # the subquery path
    rng = random.Random(9)
    for n in range(40):
        CustomerFactory(name=random_name(rng), qq=random_qq(rng, n))
    assert_index_equals_like(rng, 30)
    pool = Customer.objects.filter(consultant=None)
    assert indexed("王", pool) == like("王")


def test_customer_lists_find_a_middle_part_of_a_qq(client):
    from tests.permissions import grant_permissions
    from tests.web.customers_support import CONSULTANT_PERMISSIONS, make_consultant

    user = make_consultant("consultant1")
    grant_permissions(user, *CONSULTANT_PERMISSIONS)
    client.force_login(user)
    CustomerFactory(name="赵敏", qq="88800002")
    CustomerFactory(name="孙丽", qq="12345678")
    html = client.get("/stark/web/customer/pub/list/", {"q": "800002"}).content.decode()
    assert "赵敏" in html and "孙丽" not in html
