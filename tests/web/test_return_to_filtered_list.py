"""From a filtered list into a row's sub-pages and back (issue 13): the breadcrumb's entry and the
back links return to the list as it was left (its search, filters and page).

A list's state travels in ``_filter`` to the pages of the same list (edit, the customer page) and in
``_parent`` into nested pages (a customer's follow-ups and payments, a student's score records, a
class's course records), where the nested list's own links keep it inside their ``_filter``.
Everything here goes through the pages: each next URL is a link of the page before.
"""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tests.factories import ClassListFactory, CourseRecordFactory, CustomerFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import CONSULTANT_PERMISSIONS, make_consultant
from tests.web.handlers.enrolment_helpers import class_teacher, lecturer, student_in_class
from web.demo.roles import seed_menus_and_permissions

pytestmark = pytest.mark.django_db

PRIV_LIST = "/stark/web/customer/priv/list/"
#: The customers list as the consultant left it: a search, page 3, sorted by name.
CUSTOMERS_STATE = {"q": ["王"], "page": ["3"], "o": ["name"]}


@pytest.fixture(autouse=True)
def menus():
    """The demo menus and the menu entry of every page (the breadcrumb's parent)."""
    seed_menus_and_permissions()


def links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'<a\b[^>]*\bhref="([^"]*)"', html)]


def link_to(html: str, pattern: str) -> str:
    found = [href for href in links(html) if re.search(pattern, urlsplit(href).path)]
    assert found, f"no link to {pattern}"
    return found[0]


def content(html: str) -> str:
    """The page below its breadcrumb (no menu, no breadcrumb)."""
    return html.split('<ol class="breadcrumb rbac-breadcrumb">', 1)[1].split("</ol>", 1)[1]


def breadcrumb_links(html: str) -> list[str]:
    crumb = re.search(r'<ol class="breadcrumb rbac-breadcrumb">(.*?)</ol>', html, re.S).group(1)
    return links(crumb)


def state_of(url: str) -> dict:
    return parse_qs(urlsplit(url).query)


def assert_breadcrumb_returns(html: str, list_path: str, state: dict) -> None:
    entry = [href for href in breadcrumb_links(html) if urlsplit(href).path == list_path]
    assert entry, f"the breadcrumb has no link to {list_path}: {breadcrumb_links(html)}"
    assert state_of(entry[0]) == state, entry[0]


def assert_back_link_returns(html: str, list_path: str, state: dict) -> None:
    """The nested list's own back link (stark's ``parent_list_url_name``)."""
    found = re.search(r'<a class="[^"]*stark-back[^"]*" href="([^"]*)"', html)
    assert found, "no back link"
    back = unescape(found.group(1))
    assert urlsplit(back).path == list_path and state_of(back) == state, back


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def consultant(client):
    user = make_consultant("consultant1", name="李晓明")
    grant_permissions(
        user,
        *CONSULTANT_PERMISSIONS,
        "stark:web_customer_priv_detail",
        "stark:web_paymentrecord_list",
        "stark:web_paymentrecord_add",
        role_title="课程顾问",
    )
    for index in range(45):  # three pages of 20
        CustomerFactory(name=f"王{index:02d}", consultant=user)
    CustomerFactory(name="赵敏", consultant=user)
    client.force_login(user)
    return user


def test_follow_ups_of_a_customer_return_to_the_filtered_customers(client, consultant):
    listing = page(client, f"{PRIV_LIST}?q=王&page=3&o=name")
    follow_ups_url = link_to(listing, r"/consultrecord/\d+/list/$")
    follow_ups = page(client, follow_ups_url)
    assert_breadcrumb_returns(follow_ups, PRIV_LIST, CUSTOMERS_STATE)
    assert_back_link_returns(follow_ups, PRIV_LIST, CUSTOMERS_STATE)

    # Adding a follow-up: the form's breadcrumb, its cancel link, and the page after saving.
    add_url = link_to(follow_ups, r"/consultrecord/\d+/add/$")
    form = page(client, add_url)
    assert_breadcrumb_returns(form, PRIV_LIST, CUSTOMERS_STATE)
    cancel = link_to(form, r"/consultrecord/\d+/list/$")
    assert state_of(cancel) == state_of(follow_ups_url)
    saved = client.post(add_url, {"note": "电话沟通，下周来试听。", "_form_token": _form_token(form)})
    assert saved.status_code == 302
    assert state_of(saved["Location"]) == state_of(follow_ups_url)
    after_save = page(client, saved["Location"])
    assert_breadcrumb_returns(after_save, PRIV_LIST, CUSTOMERS_STATE)
    assert_back_link_returns(after_save, PRIV_LIST, CUSTOMERS_STATE)

    # Editing it, from the follow-up list.
    edit_url = link_to(page(client, saved["Location"]), r"/consultrecord/\d+/\d+/change/$")
    assert_breadcrumb_returns(page(client, edit_url), PRIV_LIST, CUSTOMERS_STATE)


def test_payments_and_the_customer_page_return_to_the_filtered_customers(client, consultant):
    listing = page(client, f"{PRIV_LIST}?q=王&page=3&o=name")
    payments = page(client, link_to(listing, r"/paymentrecord/\d+/list/$"))
    assert_breadcrumb_returns(payments, PRIV_LIST, CUSTOMERS_STATE)
    assert_back_link_returns(payments, PRIV_LIST, CUSTOMERS_STATE)
    assert_breadcrumb_returns(page(client, link_to(payments, r"/paymentrecord/\d+/add/$")), PRIV_LIST, CUSTOMERS_STATE)

    # The customer page (a page of the list itself): its back link and breadcrumb; and its own
    # follow-ups button leads to follow-ups that return to the same filtered list.
    detail_url = link_to(listing, r"/customer/priv/\d+/detail/$")
    detail = page(client, detail_url)
    assert_breadcrumb_returns(detail, PRIV_LIST, CUSTOMERS_STATE)
    back = [href for href in links(content(detail)) if urlsplit(href).path == PRIV_LIST]
    assert back and all(state_of(href) == CUSTOMERS_STATE for href in back)
    assert_breadcrumb_returns(page(client, link_to(detail, r"/consultrecord/\d+/list/$")), PRIV_LIST, CUSTOMERS_STATE)

    # The edit form, from the list.
    edit = page(client, link_to(listing, r"/customer/priv/\d+/change/$"))
    assert_breadcrumb_returns(edit, PRIV_LIST, CUSTOMERS_STATE)


def test_a_nested_page_opened_without_a_list_state_links_to_the_plain_list(client, consultant):
    customer = CustomerFactory(name="孙丽", consultant=consultant)
    url = reverse("stark:web_consultrecord_list", kwargs={"customer_id": customer.pk})
    # The follow-up list's own page 2 is no state of the customers list.
    nested = page(client, f"{url}?page=1")
    assert_breadcrumb_returns(nested, PRIV_LIST, {})
    assert_back_link_returns(nested, PRIV_LIST, {})


def test_the_customer_pages_own_timeline_page_is_no_list_state(client, consultant):
    customer = CustomerFactory(name="孙丽", consultant=consultant)
    detail = page(client, reverse("stark:web_customer_priv_detail", kwargs={"pk": customer.pk}) + "?page=2")
    follow_ups_url = link_to(content(detail), r"/consultrecord/\d+/list/$")
    assert state_of(follow_ups_url) == {}
    assert_breadcrumb_returns(page(client, follow_ups_url), PRIV_LIST, {})


def test_score_records_and_course_records_return_to_the_filtered_lists(client):
    teacher = class_teacher("teacher1")
    grant_permissions(
        teacher,
        "stark:web_classlist_list",
        "stark:web_student_list",
        "stark:web_scorerecord_list",
        "stark:web_scorerecord_add",
        "stark:web_courserecord_list",
        "stark:web_courserecord_add",
        "stark:web_courserecord_attendance",
        role_title="班主任",
    )
    klass = ClassListFactory(class_teacher=teacher)
    klass.tech_teachers.add(lecturer("lecturer1"))
    student_in_class(klass)
    CourseRecordFactory(class_object=klass, teacher=klass.tech_teachers.get())
    client.force_login(teacher)

    students_path = "/stark/web/student/list/"
    students = page(client, f"{students_path}?class_list={klass.pk}&student_status=studying")
    scores = page(client, link_to(students, r"/scorerecord/\d+/list/$"))
    state = {"class_list": [str(klass.pk)], "student_status": ["studying"]}
    assert_breadcrumb_returns(scores, students_path, state)
    assert_back_link_returns(scores, students_path, state)
    assert_breadcrumb_returns(page(client, link_to(scores, r"/scorerecord/\d+/add/$")), students_path, state)

    classes_path = "/stark/web/classlist/list/"
    classes = page(client, f"{classes_path}?o=-course__name")
    lessons_url = link_to(classes, r"/courserecord/\d+/list/$")
    lessons = page(client, lessons_url)
    assert_breadcrumb_returns(lessons, classes_path, {"o": ["-course__name"]})
    assert_back_link_returns(lessons, classes_path, {"o": ["-course__name"]})
    attendance = page(client, link_to(lessons, r"/courserecord/\d+/\d+/attendance/$"))
    assert_breadcrumb_returns(attendance, classes_path, {"o": ["-course__name"]})
    back = link_to(attendance, r"/courserecord/\d+/list/$")
    assert state_of(back) == state_of(lessons_url)


def _form_token(html: str) -> str:
    found = re.search(r'name="_form_token" value="([^"]+)"', html)
    return found.group(1) if found else ""
