"""The expected permission table of DESIGN §5, and the objects each demo user works on.

The table is written out here on purpose (not imported from ``web.demo.roles``): the
permission matrix and the button tests compare the running application, seeded by the
real demo seed, with this transcription of the design, so a wrong seed fails them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse

from rbac.services.discovery import discover_urls
from tests import factories
from web.models import ClassList, ConsultRecord, CourseRecord, Customer, PaymentRecord, Student, TalkRecord, UserInfo

#: The demo logins the matrix covers, one per role of DESIGN §5.
ADMIN = "admin"
MANAGER = "manager1"
CONSULTANT = "consultant1"
OPS = "ops1"
FINANCE = "finance1"
TEACHER = "teacher1"
ROLES = (ADMIN, MANAGER, CONSULTANT, OPS, FINANCE, TEACHER)

NOBODY: frozenset[str] = frozenset()


def _only(*users: str) -> frozenset[str]:
    return frozenset(users)


#: DESIGN §5: every URL name of the project → the demo users (besides admin, who may use
#: everything) allowed to use it. A URL name missing here fails the matrix test.
EXPECTED: dict[str, frozenset[str]] = {
    # 权限管理: the administrator only.
    "rbac:menu_list": NOBODY,
    "rbac:menu_add": NOBODY,
    "rbac:menu_change": NOBODY,
    "rbac:menu_delete": NOBODY,
    "rbac:permission_add": NOBODY,
    "rbac:permission_change": NOBODY,
    "rbac:permission_delete": NOBODY,
    "rbac:multi_permissions": NOBODY,
    "rbac:role_list": NOBODY,
    "rbac:role_add": NOBODY,
    "rbac:role_change": NOBODY,
    "rbac:role_delete": NOBODY,
    "rbac:distribute_permissions": NOBODY,
    # 基础数据: the administrator only.
    "stark:web_school_list": NOBODY,
    "stark:web_school_add": NOBODY,
    "stark:web_school_change": NOBODY,
    "stark:web_school_delete": NOBODY,
    "stark:web_department_list": NOBODY,
    "stark:web_department_add": NOBODY,
    "stark:web_department_change": NOBODY,
    "stark:web_department_delete": NOBODY,
    "stark:web_userinfo_list": NOBODY,
    "stark:web_userinfo_add": NOBODY,
    "stark:web_userinfo_change": NOBODY,
    "stark:web_userinfo_delete": NOBODY,
    "stark:web_userinfo_reset_pwd": NOBODY,
    "stark:web_course_list": NOBODY,
    "stark:web_course_add": NOBODY,
    "stark:web_course_change": NOBODY,
    "stark:web_course_delete": NOBODY,
    # class teacher: "class list"
    "stark:web_classlist_list": _only(TEACHER),
    "stark:web_classlist_add": NOBODY,
    "stark:web_classlist_change": NOBODY,
    "stark:web_classlist_delete": NOBODY,
    # public pool: manager "list / record / assign", consultant "list / record / claim",
    # operations "list / add / change / record".
    "stark:web_customer_pub_list": _only(MANAGER, CONSULTANT, OPS),
    "stark:web_customer_pub_add": _only(OPS),
    "stark:web_customer_pub_change": _only(OPS),
    "stark:web_customer_pub_record": _only(MANAGER, CONSULTANT, OPS),
    "stark:web_customer_pub_multi_claim": _only(CONSULTANT),
    "stark:web_customer_pub_multi_assign": _only(MANAGER),
    # consultant: "private pool list / add / change / release"
    "stark:web_customer_priv_list": _only(CONSULTANT),
    "stark:web_customer_priv_add": _only(CONSULTANT),
    "stark:web_customer_priv_change": _only(CONSULTANT),
    "stark:web_customer_priv_multi_release": _only(CONSULTANT),
    # manager: "all customers read-only"
    "stark:web_customer_all_list": _only(MANAGER),
    # issue 13: the sales manager reassigns private customers and reads anyone's follow-ups.
    "stark:web_customer_all_multi_reassign": _only(MANAGER),
    "stark:web_customer_all_record": _only(MANAGER),
    # consultant: "follow-ups"
    "stark:web_consultrecord_list": _only(CONSULTANT),
    "stark:web_consultrecord_add": _only(CONSULTANT),
    "stark:web_consultrecord_change": _only(CONSULTANT),
    "stark:web_consultrecord_delete": _only(CONSULTANT),
    # consultant: "payment list / add"
    "stark:web_paymentrecord_list": _only(CONSULTANT),
    "stark:web_paymentrecord_add": _only(CONSULTANT),
    # finance: "payment approval (list, confirm, reject)"
    "stark:web_paymentrecord_check_list": _only(FINANCE),
    "stark:web_paymentrecord_check_multi_confirm": _only(FINANCE),
    "stark:web_paymentrecord_check_multi_reject": _only(FINANCE),
    # finance: "student list"; class teacher: "students list / change"
    "stark:web_student_list": _only(FINANCE, TEACHER),
    "stark:web_student_change": _only(TEACHER),
    # issue 14: each list's export (CSV / XLSX) for the role working that list; operations' import
    "stark:web_customer_all_export": _only(MANAGER),
    "stark:web_customer_pub_export": _only(OPS),
    "stark:web_customer_priv_export": _only(CONSULTANT),
    "stark:web_paymentrecord_check_export": _only(FINANCE),
    "stark:web_student_export": _only(TEACHER),
    "stark:web_customer_pub_import": _only(OPS),
    # class teacher: "score records"
    "stark:web_scorerecord_list": _only(TEACHER),
    "stark:web_scorerecord_add": _only(TEACHER),
    # class teacher: "course records; attendance" (multi_init generates the attendance)
    "stark:web_courserecord_list": _only(TEACHER),
    "stark:web_courserecord_add": _only(TEACHER),
    "stark:web_courserecord_change": _only(TEACHER),
    "stark:web_courserecord_delete": _only(TEACHER),
    "stark:web_courserecord_multi_init": _only(TEACHER),
    "stark:web_courserecord_attendance": _only(TEACHER),
    # class teacher: "talk records"
    "stark:web_talkrecord_list": _only(TEACHER),
    "stark:web_talkrecord_add": _only(TEACHER),
    "stark:web_talkrecord_change": _only(TEACHER),
    # class teacher: "class transfer / repeat applications"; admin: their approval
    "stark:web_classchange_list": _only(TEACHER),
    "stark:web_classchange_add": _only(TEACHER),
    "stark:web_classchange_check_list": NOBODY,
    "stark:web_classchange_check_multi_confirm": NOBODY,
    "stark:web_classchange_check_multi_reject": NOBODY,
    # issue 16 security pages: the administrator only.
    "stark:axes_accessattempt_list": NOBODY,
    "stark:axes_accessattempt_multi_unlock": NOBODY,
    "stark:auditlog_logentry_list": NOBODY,
    # issue 12: the customer page (owner; sales manager; finance from the approval list)
    "stark:web_customer_priv_detail": _only(CONSULTANT),
    "stark:web_customer_all_detail": _only(MANAGER),
    "stark:web_paymentrecord_check_customer": _only(FINANCE),
    # issue 12: the read-only lists behind the dashboards' figures
    "stark:web_customer_entered_list": _only(OPS),
    "stark:web_talkrecord_classes_list": _only(TEACHER),
    "stark:web_consultrecord_team_list": _only(MANAGER),
}


def is_allowed(username: str, url_name: str) -> bool:
    return username == ADMIN or username in EXPECTED[url_name]


_ACTION = re.compile(r"^(?P<stem>stark:.+)_multi_[a-z_]+$")
_KWARG = re.compile(r"<(?:\w+:)?(\w+)>")


def is_post_only(url_name: str) -> bool:
    """A stark batch action's own URL (``..._multi_x``): POST only."""
    return _ACTION.match(url_name) is not None


def action_list_name(url_name: str) -> str:
    """``stark:web_customer_pub_multi_claim`` → ``stark:web_customer_pub_list``."""
    return _ACTION.match(url_name)["stem"] + "_list"


def prefixes_of_testing_apps() -> tuple[str, ...]:
    """stark URL names of apps that only the test settings install (``tests.stark.testapp``)."""
    return tuple(f"stark:{config.label}_" for config in apps.get_app_configs() if config.name.startswith("tests."))


def project_urls() -> dict[str, str]:
    """Every permission-checked URL name of the project → its pattern (test-only apps left out)."""
    skip = prefixes_of_testing_apps()
    return {name: item.url for name, item in discover_urls().items() if not name.startswith(skip)}


def url_kwarg_names(pattern: str) -> list[str]:
    return _KWARG.findall(pattern)


@dataclass
class Scope:
    """Objects a demo user works on, so the pages that user may open really show something."""

    public_customer: Customer
    own_customer: Customer
    consult_record: ConsultRecord
    klass: ClassList
    course_record: CourseRecord
    student: Student
    talk_record: TalkRecord


def scope_for(user: UserInfo) -> Scope:
    """Pick the user's own customer / class / student / talk from the demo data.

    The demo seed gives consultant1 customers and teacher1 a class; a user with none of
    their own (e.g. admin, who may use every page) gets one here, held by them.
    """
    teacher1 = UserInfo.objects.get(username=TEACHER)
    own_customer = (
        Customer.objects.filter(consultant=user, consult_records__isnull=False, payments__isnull=False)
        .distinct()
        .order_by("pk")
        .first()
    )
    if own_customer is None:
        own_customer = factories.CustomerFactory(consultant=user)
        factories.ConsultRecordFactory(customer=own_customer, consultant=user)
        factories.PaymentRecordFactory(
            customer=own_customer, consultant=user, class_list=ClassList.objects.order_by("pk").first()
        )
    consult_record = ConsultRecord.objects.filter(customer=own_customer).order_by("pk").first()
    klass = (
        ClassList.objects.filter(class_teacher=user).filter(course_records__isnull=False).order_by("pk").first()
        or ClassList.objects.filter(class_teacher=teacher1, course_records__isnull=False).order_by("pk").first()
    )
    student = Student.objects.filter(class_list=klass, talk_records__teacher=teacher1).order_by("pk").first()
    talk_record = TalkRecord.objects.filter(student=student, teacher=user).order_by("pk").first()
    if talk_record is None:
        talk_record = factories.TalkRecordFactory(student=student, teacher=user)
    return Scope(
        public_customer=Customer.objects.filter(consultant__isnull=True).order_by("pk").first(),
        own_customer=own_customer,
        consult_record=consult_record,
        klass=klass,
        course_record=CourseRecord.objects.filter(class_object=klass).order_by("pk").first(),
        student=student,
        talk_record=talk_record,
    )


def _pk_for(url_name: str, scope: Scope) -> int:
    from rbac.models import Menu, Permission, Role
    from web.models import Course, Department, School

    by_stem = {
        "rbac:menu": lambda: Menu.objects.order_by("pk").first().pk,
        "rbac:permission": lambda: Permission.objects.order_by("pk").first().pk,
        "rbac:role": lambda: Role.objects.order_by("pk").first().pk,
        "stark:web_school": lambda: School.objects.order_by("pk").first().pk,
        "stark:web_department": lambda: Department.objects.order_by("pk").first().pk,
        "stark:web_userinfo": lambda: UserInfo.objects.get(username=OPS).pk,
        "stark:web_course": lambda: Course.objects.order_by("pk").first().pk,
        "stark:web_classlist": lambda: scope.klass.pk,
        "stark:web_customer_pub": lambda: scope.public_customer.pk,
        "stark:web_customer_priv": lambda: scope.own_customer.pk,
        "stark:web_customer_all": lambda: scope.own_customer.pk,
        "stark:web_paymentrecord_check": lambda: scope.own_customer.pk,
        "stark:web_consultrecord": lambda: scope.consult_record.pk,
        "stark:web_student": lambda: scope.student.pk,
        "stark:web_courserecord": lambda: scope.course_record.pk,
        "stark:web_talkrecord": lambda: scope.talk_record.pk,
    }
    for stem in sorted(by_stem, key=len, reverse=True):
        if url_name.startswith(stem + "_"):
            return by_stem[stem]()
    raise AssertionError(f"no object chosen for the pk of {url_name}: add its stem to tests/web/matrix_support.py")


def url_for(url_name: str, pattern: str, scope: Scope) -> str:
    """The URL of ``url_name`` with its kwargs taken from the user's scope."""
    kwargs = {}
    for key in url_kwarg_names(pattern):
        if key == "pk":
            kwargs[key] = _pk_for(url_name, scope)
        elif key == "customer_id":
            kwargs[key] = scope.own_customer.pk
        elif key == "class_id":
            kwargs[key] = scope.klass.pk
        elif key == "course_record_id":
            kwargs[key] = scope.course_record.pk
        elif key == "student_id":
            kwargs[key] = scope.student.pk
        else:
            raise AssertionError(f"{url_name}: no value for the URL argument {key!r}")
    return reverse(url_name, kwargs=kwargs)


def payment_of(customer: Customer) -> PaymentRecord | None:
    return PaymentRecord.objects.filter(customer=customer).order_by("pk").first()
