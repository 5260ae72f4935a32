"""Demo data: payment applications in every status and the students they made.

Uses its own few customers (QQ numbers starting with "9") in the pools of consultant1 and
consultant2, so it does not depend on the customers module's data. Idempotent: a customer
that already has applications is left alone.
"""

from dataclasses import dataclass
from decimal import Decimal

from web.models import ClassList, Customer, Gender, PaymentRecord, UserInfo
from web.services.payments import payment_apply, payment_confirm, payment_reject

Pay = PaymentRecord.PayType


@dataclass(frozen=True)
class DemoEnrolment:
    qq: str
    name: str
    consultant: str
    #: (pay type, amount, class key, outcome) in the order they happened; outcome is
    #: "confirm", "reject" or "" (still pending).
    payments: tuple[tuple[str, str, str, str], ...]


# Class keys: (course name, semester) of the classes seeded by web.demo.base.
PYTHON_1 = ("Python 全栈开发", 1)
PYTHON_2 = ("Python 全栈开发", 2)
LINUX_1 = ("Linux 运维", 1)

DEMO_ENROLMENTS = [
    DemoEnrolment("90000001", "陈思远", "consultant1", ((Pay.ENROLMENT_FEE, "2000", "py1", "confirm"),)),
    DemoEnrolment(
        "90000002",
        "刘雨桐",
        "consultant1",
        ((Pay.ENROLMENT_FEE, "2000", "py1", "confirm"), (Pay.TUITION, "17800", "py1", "confirm")),
    ),
    DemoEnrolment("90000003", "黄子涵", "consultant1", ((Pay.ENROLMENT_FEE, "2000", "py1", "confirm"),)),
    DemoEnrolment("90000004", "杨浩然", "consultant2", ((Pay.ENROLMENT_FEE, "2000", "py1", "confirm"),)),
    DemoEnrolment("90000005", "赵一鸣", "consultant2", ((Pay.TUITION, "19800", "linux1", "confirm"),)),
    DemoEnrolment("90000006", "周欣怡", "consultant1", ((Pay.ENROLMENT_FEE, "2000", "py2", ""),)),
    DemoEnrolment("90000007", "吴俊杰", "consultant2", ((Pay.ENROLMENT_FEE, "1500.50", "linux1", ""),)),
    DemoEnrolment("90000008", "郑可欣", "consultant2", ((Pay.ENROLMENT_FEE, "2000", "py1", "reject"),)),
    DemoEnrolment(
        "90000009",
        "孙嘉怡",
        "consultant1",
        ((Pay.ENROLMENT_FEE, "2000", "linux1", "confirm"), (Pay.WITHDRAWAL, "1000", "linux1", "confirm")),
    ),
    DemoEnrolment(
        "90000010",
        "马天宇",
        "consultant2",
        ((Pay.ENROLMENT_FEE, "2000", "py1", "confirm"), (Pay.WITHDRAWAL, "2000", "py1", "")),
    ),
]


def demo_classes() -> dict[str, ClassList]:
    """The demo classes this module and the teaching module use, by short key."""
    keys = {"py1": PYTHON_1, "py2": PYTHON_2, "linux1": LINUX_1}
    return {
        key: ClassList.objects.filter(course__name=course, semester=semester).order_by("pk").first()
        for key, (course, semester) in keys.items()
    }


def seed_enrolment(*, users: dict[str, UserInfo], **options) -> None:
    classes = demo_classes()
    finance = users["finance1"]
    for demo in DEMO_ENROLMENTS:
        consultant = users[demo.consultant]
        customer, _created = Customer.objects.get_or_create(
            qq=demo.qq, defaults={"name": demo.name, "gender": Gender.FEMALE, "consultant": consultant}
        )
        if customer.payments.exists() or customer.consultant_id != consultant.pk:
            continue
        for index, (pay_type, amount, class_key, outcome) in enumerate(demo.payments):
            payment = payment_apply(
                consultant=consultant,
                customer=customer,
                pay_type=pay_type,
                paid_fee=Decimal(amount),
                class_list=classes[class_key],
                note="报名缴费" if index == 0 else "",
                qq=demo.qq,
                mobile=f"139{demo.qq[-8:]}",
                emergency_contract="家人 13700000000",
            )
            if outcome == "confirm":
                payment_confirm(confirm_user=finance, payment_ids=[payment.pk])
            elif outcome == "reject":
                payment_reject(
                    confirm_user=finance, payment_ids=[payment.pk], reason="金额与报名表不符，请核对后重新提交"
                )
