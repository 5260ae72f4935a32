"""Parents and data scopes of every CRM page, derived from the stark registry (issue 17).

- Every URL of every nested handler (list, add, change, delete, actions, extra URLs) under a
  parent outside the user's rows is 404, GET and POST, and nothing changes.
- The parent is read once per request.
- A role's data scope decides the rows of every scoped list and object URL, and a change of the
  scope (as the role page saves it) applies on the user's next request.

Handlers, URL names and routes come from ``stark.sites.site``: a new nested or scoped handler is
covered as soon as it is registered, or fails here until it has a row factory below.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rbac.models import Role
from stark.sites import site
from tests.factories import (
    ClassChangeFactory,
    ClassListFactory,
    ConsultRecordFactory,
    CourseRecordFactory,
    CustomerFactory,
    DepartmentFactory,
    PaymentRecordFactory,
    ScoreRecordFactory,
    StudentFactory,
    TalkRecordFactory,
    UserFactory,
)
from tests.permissions import grant_permissions
from web.models import Department

pytestmark = pytest.mark.django_db


def handler_key(handler) -> str:
    return handler.url_name_stem


def url_patterns(handler) -> list[tuple[str, str]]:
    """(full URL name, route) of every URL of ``handler``, as the registry wires them."""
    return [(handler.full_url_name(p.name), str(p.pattern)) for p in handler.get_urls()]


def kwarg_names(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def is_post_only(handler, url_name: str) -> bool:
    """A batch action's own URL (POST only)."""
    return any(url_name == handler.full_url_name(handler.get_url_name(f.action_name)) for f in handler.action_list)


# ---------------------------------------------------------------------- rows owned by someone
@dataclass
class Row:
    obj: object
    parent: object | None


def _student_of(teacher):
    klass = ClassListFactory(class_teacher=teacher)
    student = StudentFactory()
    student.class_list.add(klass)
    return student, klass


def _customer_row(owner):
    return Row(CustomerFactory(consultant=owner), None)


def _consult_row(owner):
    customer = CustomerFactory(consultant=owner)
    return Row(ConsultRecordFactory(customer=customer, consultant=owner), customer)


def _payment_row(owner):
    customer = CustomerFactory(consultant=owner)
    return Row(PaymentRecordFactory(customer=customer, consultant=owner), customer)


def _class_row(owner):
    return Row(ClassListFactory(class_teacher=owner), None)


def _student_row(owner):
    return Row(_student_of(owner)[0], None)


def _score_row(owner):
    student, _klass = _student_of(owner)
    return Row(ScoreRecordFactory(student=student, user=owner), student)


def _course_row(owner):
    klass = ClassListFactory(class_teacher=owner)
    return Row(CourseRecordFactory(class_object=klass, day_num=1), klass)


def _talk_row(owner):
    student, _klass = _student_of(owner)
    return Row(TalkRecordFactory(student=student, teacher=owner), student)


def _change_row(owner):
    student, klass = _student_of(owner)
    return Row(ClassChangeFactory(student=student, from_class=klass, applicant=owner), student)


#: How rows follow the scope: "scoped" (parent and row), "fixed" (the page's own rule: my private
#: pool, whatever the scope), "parent" (the parent follows the scope, the rows are my own records).
@dataclass(frozen=True)
class Spec:
    make: Callable[[object], Row]
    kind: Department.Kind
    rows: str = "scoped"
    #: Which object an extra URL's ``pk`` names, when not the row (the payment's customer page).
    pk_of: Callable[[object], object] | None = None


SPECS: dict[str, Spec] = {
    "web_customer_all": Spec(_customer_row, Department.Kind.SALES),
    "web_customer_priv": Spec(_customer_row, Department.Kind.SALES, rows="fixed"),
    "web_consultrecord": Spec(_consult_row, Department.Kind.SALES, rows="fixed"),
    "web_paymentrecord": Spec(_payment_row, Department.Kind.SALES, rows="fixed"),
    "web_paymentrecord_check": Spec(_payment_row, Department.Kind.SALES, pk_of=lambda p: p.customer_id),
    "web_classlist": Spec(_class_row, Department.Kind.TEACHING_QUALITY),
    "web_student": Spec(_student_row, Department.Kind.TEACHING_QUALITY),
    "web_scorerecord": Spec(_score_row, Department.Kind.TEACHING_QUALITY),
    "web_courserecord": Spec(_course_row, Department.Kind.TEACHING_QUALITY),
    "web_talkrecord": Spec(_talk_row, Department.Kind.TEACHING_QUALITY, rows="parent"),
    "web_classchange": Spec(_change_row, Department.Kind.TEACHING_QUALITY),
    "web_classchange_check": Spec(_change_row, Department.Kind.TEACHING_QUALITY),
    # issue 12: the read-only lists behind the dashboards' figures
    "web_talkrecord_classes": Spec(_talk_row, Department.Kind.TEACHING_QUALITY),
    "web_consultrecord_team": Spec(_consult_row, Department.Kind.SALES),
}

CRM = [h for h in site.handlers if h.opts.app_label == "web"]
SCOPED = sorted((h for h in CRM if h.scope_lookups), key=handler_key)
NESTED = sorted((h for h in CRM if h.parent_kwarg), key=handler_key)
NESTED_URLS = [(h, name, route) for h in NESTED for name, route in url_patterns(h)]


def test_every_scoped_or_nested_crm_handler_has_a_row_factory():
    handlers = {handler_key(h) for h in SCOPED + NESTED}
    assert handlers == set(SPECS), "add a Spec for each scoped or nested handler"


def url_of(handler, route: str, url_name: str, row: Row, spec: Spec) -> str:
    kwargs = {}
    for name in kwarg_names(route):
        if name == handler.parent_kwarg:
            kwargs[name] = row.parent.pk
        elif name == "pk" and spec.pk_of is not None and url_name.endswith("_customer"):
            kwargs[name] = spec.pk_of(row.obj)
        else:  # pk, course_record_id: the row itself
            kwargs[name] = row.obj.pk
    return reverse(url_name, kwargs=kwargs)


def people(kind):
    """Me, a colleague in my department, a stranger in another department (same kind of work)."""
    mine, theirs = DepartmentFactory(kind=kind), DepartmentFactory(kind=kind)
    return UserFactory(depart=mine), UserFactory(depart=mine), UserFactory(depart=theirs)


def log_in(client, handler, user, scope) -> Role:
    role = grant_permissions(user, *(name for name, _route in url_patterns(handler)), scope=scope)
    client.force_login(user)
    return role


# ---------------------------------------------------------------------- (a) a foreign parent
@pytest.mark.parametrize(("handler", "url_name", "route"), NESTED_URLS, ids=[name for _h, name, _r in NESTED_URLS])
def test_every_nested_url_under_a_foreign_parent_is_404_on_get_and_post(client, handler, url_name, route):
    spec = SPECS[handler_key(handler)]
    me, _colleague, stranger = people(spec.kind)
    mine, foreign = spec.make(me), spec.make(stranger)
    log_in(client, handler, me, scope="own")
    before = handler.model._default_manager.count()
    url = url_of(handler, route, url_name, foreign, spec)
    data = {"action": "multi_delete", "pk": foreign.obj.pk, "confirm": "yes"}
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    assert handler.model._default_manager.count() == before
    # The same URL under my own parent opens (the 404 above is the parent's, not the URL's).
    own_url = url_of(handler, route, url_name, mine, spec)
    status = (
        client.post(own_url, {}).status_code if is_post_only(handler, url_name) else client.get(own_url).status_code
    )
    assert status != 404


# ---------------------------------------------------------------------- (b) the parent, once
@pytest.mark.parametrize("handler", NESTED, ids=handler_key)
def test_the_parent_is_read_once_per_request(client, handler):
    spec = SPECS[handler_key(handler)]
    me, _colleague, _stranger = people(spec.kind)
    row = spec.make(me)
    log_in(client, handler, me, scope="own")
    table = row.parent._meta.db_table
    first_from = re.compile(rf"^SELECT .*? FROM [`\"]{table}[`\"]", re.DOTALL)  # noqa: S608 - a regex, not SQL
    for name, route in url_patterns(handler):
        if is_post_only(handler, name):
            continue
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url_of(handler, route, name, row, spec)).status_code == 200
        reads = [q["sql"] for q in queries if first_from.match(q["sql"])]
        assert len(reads) == 1, (name, reads)


# ---------------------------------------------------------------------- (c) scopes
def visible_through_urls(client, handler, row: Row, spec: Spec) -> dict[str, bool]:
    """For each object URL of ``handler`` pointed at ``row``: whether it opens (GET, not 404).

    The list (and the export) have no object; under a parent the list is an object URL of the
    parent, and the row must be on it to count as seen.
    """
    seen = {}
    for name, route in url_patterns(handler):
        names = kwarg_names(route)
        if not names or is_post_only(handler, name):
            continue
        response = client.get(url_of(handler, route, name, row, spec))
        assert response.status_code in (200, 404), (name, response.status_code)
        seen[name] = response.status_code == 200
        if name.endswith("_list") and response.status_code == 200:
            seen[f"{name} (row listed)"] = row.obj in response.context["page"].object_list
    return seen


def listed(client, handler) -> set:
    response = client.get(reverse(handler.full_url_name(handler.get_list_url_name())), {"o": "-pk"})
    assert response.status_code == 200
    return {obj.pk for obj in response.context["page"].object_list}


@pytest.mark.parametrize("handler", SCOPED, ids=handler_key)
def test_a_change_of_the_roles_scope_applies_on_the_next_request_to_every_list_and_object_url(client, handler):
    spec = SPECS[handler_key(handler)]
    me, colleague, stranger = people(spec.kind)
    rows = {"me": spec.make(me), "colleague": spec.make(colleague), "stranger": spec.make(stranger)}
    role = log_in(client, handler, me, scope="own")
    in_scope = {"own": {"me"}, "department": {"me", "colleague"}, "all": {"me", "colleague", "stranger"}}
    for scope in ("own", "department", "all", "own"):
        if role.scope != scope:
            role.scope = scope
            role.save(update_fields=["scope"])  # what the role page does; no new login
        for who, row in rows.items():
            parent_expected = who in in_scope[scope] if spec.rows != "fixed" else who == "me"
            row_expected = who in in_scope[scope] if spec.rows == "scoped" else who == "me"
            for name, seen in visible_through_urls(client, handler, row, spec).items():
                parent_only = handler.parent_kwarg and (name.endswith(("_list", "_add")))
                expected = parent_expected if parent_only else row_expected
                assert seen is expected, f"{scope}: {who}'s row on {name}"
        if handler.parent_kwarg is None:
            shown = listed(client, handler) & {row.obj.pk for row in rows.values()}
            expected = in_scope[scope] if spec.rows == "scoped" else {"me"}
            assert shown == {rows[who].obj.pk for who in expected}, scope


def test_the_sales_managers_department_scope_keeps_the_public_pool_in_all_customers(client):
    handler = site.get_handler(CustomerFactory._meta.model, prefix="all")
    manager, _colleague, stranger = people(Department.Kind.SALES)
    public, foreign = CustomerFactory(consultant=None), CustomerFactory(consultant=stranger)
    log_in(client, handler, manager, scope="department")
    shown = listed(client, handler)
    assert public.pk in shown
    assert foreign.pk not in shown


# ---------------------------------------------------------------------- the demo roles' scopes
def test_the_demo_seed_gives_each_role_the_scope_of_todays_pages():
    from web.demo.roles import ROLE_SCOPES, seed_roles

    seed_roles(users={})
    assert dict(Role.objects.values_list("title", "scope")) == {title: str(s) for title, s in ROLE_SCOPES.items()}
    assert ROLE_SCOPES["课程顾问"] == ROLE_SCOPES["班主任"] == "own"
    assert ROLE_SCOPES["销售主管"] == "department"


def test_the_migration_moves_untouched_demo_roles_and_reloads_their_users_sessions():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("web.migrations.0008_i17_demo_role_scopes")
    consultant, changed = Role.objects.create(title="课程顾问"), Role.objects.create(title="班主任", scope="department")
    user = UserFactory()
    user.roles.add(consultant)
    user.refresh_from_db()
    version = user.rbac_version

    class Editor:
        connection = connection

    migration.set_scopes(apps, Editor())
    consultant.refresh_from_db()
    changed.refresh_from_db()
    user.refresh_from_db()
    assert consultant.scope == "own"
    assert changed.scope == "department"  # an administrator's choice is kept
    assert user.rbac_version == version + 1
    migration.unset_scopes(apps, Editor())
    consultant.refresh_from_db()
    assert consultant.scope == "all"


def test_a_customers_payment_list_follows_the_customer_not_the_applicant(client):
    """Under the consultant's "own" scope a customer's earlier applications (by the previous holder) stay listed."""
    handler = site.get_handler(PaymentRecordFactory._meta.model)
    me, previous, _stranger = people(Department.Kind.SALES)
    customer = CustomerFactory(consultant=me)
    earlier = PaymentRecordFactory(customer=customer, consultant=previous)
    log_in(client, handler, me, scope="own")
    response = client.get(reverse("stark:web_paymentrecord_list", kwargs={"customer_id": customer.pk}))
    assert earlier in response.context["page"].object_list


def test_the_administrator_widens_the_class_teachers_scope_on_the_role_page_and_the_teacher_sees_it_next(client):
    from django.test import Client

    from web.demo.roles import seed_roles

    teacher, _colleague, stranger = people(Department.Kind.TEACHING_QUALITY)
    admin = UserFactory(username="admin", is_superuser=True)
    seed_roles(users={"teacher1": teacher, "admin": admin})
    mine, theirs = ClassListFactory(class_teacher=teacher), ClassListFactory(class_teacher=stranger)
    class_list = reverse("stark:web_classlist_list")
    teacher_client = Client()
    teacher_client.force_login(teacher)
    assert {c.pk for c in teacher_client.get(class_list).context["page"].object_list} == {mine.pk}

    client.force_login(admin)
    role = Role.objects.get(title="班主任")
    response = client.post(reverse("rbac:role_change", args=[role.pk]), {"title": role.title, "scope": "all"})
    assert response.status_code == 302
    # The teacher's next request, in the same session, sees every class.
    assert {mine.pk, theirs.pk} <= {c.pk for c in teacher_client.get(class_list).context["page"].object_list}
