"""Demo data: customers in the public pool and in consultant1's and consultant2's private pools,
with follow-up records. Deterministic (a fixed random seed) and idempotent: a customer is
identified by its QQ number, and only missing customers are inserted."""

import datetime
import random

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from web.models import ConsultRecord, Course, Customer, CustomerEvent, Gender, UserInfo
from web.search import reindex_customers
from web.services.events import actor_name, customer_events_record

#: How many hand-crafted demo customers, and who holds them.
DEMO_CUSTOMERS = 320
PRIVATE_PER_CONSULTANT = 60
#: QQ numbers of the demo customers start here; a big school's (web.demo.scale) at SCALE_QQ_START.
DEMO_QQ_START = 215_300_000

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈"
GIVEN_NAMES = [
    "伟", "芳", "娜", "敏", "静", "秀英", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀兰", "霞", "平", "刚", "桂英", "浩然", "子涵", "欣怡", "梓萱", "宇轩", "思远", "雨桐", "俊杰", "佳怡",
    "晨曦", "博文", "嘉怡", "一鸣", "诗涵", "天佑", "若曦", "志强", "海燕", "文博", "雪梅", "建华", "晓东",
]  # fmt: skip
SCHOOLS = ["北京理工大学", "华中科技大学", "河北工业大学", "郑州大学", "山东大学", "北京信息科技大学", "燕山大学"]
MAJORS = ["计算机科学与技术", "软件工程", "电子信息工程", "自动化", "数学与应用数学", "市场营销", "机械工程"]
COMPANIES = ["京东", "美团", "小米科技", "某外包公司", "中国移动", "自由职业", "某银行科技部"]
SALARIES = ["6000", "8000", "10000", "12000", "15000", "面议"]
NOTES = [
    "电话沟通，对 Python 全栈课程感兴趣，约下周六到校试听。",
    "微信发送了课程大纲和学费说明，客户表示要和家人商量。",
    "已试听两节课，反馈讲得清楚，关心就业推荐和分期付款。",
    "客户在职，只能上周末班，已推荐周末班开班时间。",
    "询问数据分析课程与 Python 全栈的区别，已详细解释。",
    "暂时没有时间，约下个月初再联系。",
    "对价格比较敏感，介绍了早鸟优惠和老学员推荐优惠。",
    "到校参观，体验了实验室环境，意向较强。",
    "电话未接通，已发短信说明回电方式。",
    "要求提供往期学员就业数据，已发送就业报告。",
]  # fmt: skip


def _demo_rows(today: datetime.date) -> list[dict]:
    """The hand-crafted customers, the same on every run."""
    rng = random.Random(20260601)  # noqa: S311 - reproducible demo data, not security
    rows = []
    for n in range(DEMO_CUSTOMERS):
        employed = rng.random() < 0.6
        rows.append(
            {
                "qq": str(DEMO_QQ_START + n * 37 + rng.randrange(37)),
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
                "gender": rng.choice(Gender.values),
                "source": rng.choice(Customer.Source.values),
                "education": rng.choice(Customer.Education.values),
                "graduation_school": rng.choice(SCHOOLS),
                "major": rng.choice(MAJORS),
                "experience": rng.choice(Customer.Experience.values),
                "work_status": Customer.WorkStatus.EMPLOYED if employed else Customer.WorkStatus.UNEMPLOYED,
                "company": rng.choice(COMPANIES) if employed else "",
                "salary": rng.choice(SALARIES) if employed else "",
                "date": today - datetime.timedelta(days=rng.randrange(120)),
                "courses": rng.sample(range(4), rng.randint(1, 2)),
                "notes": [rng.choice(NOTES) for _ in range(rng.randint(0, 3))],
                "note_days": sorted(rng.sample(range(1, 45), 3), reverse=True),
            }
        )
    return rows


def _holder(index: int, users: dict[str, UserInfo]) -> UserInfo | None:
    """The first customers go to consultant1, the next to consultant2, the rest are public."""
    if index < PRIVATE_PER_CONSULTANT:
        return users["consultant1"]
    if index < 2 * PRIVATE_PER_CONSULTANT:
        return users["consultant2"]
    return None


def seed_customers(*, users: dict[str, UserInfo]) -> None:
    """Customers in the public pool and the consultants' pools (a big school: ``web.demo.scale``)."""
    today = timezone.localdate()
    rows = _demo_rows(today)
    existing = set(Customer.objects.filter(qq__in=[row["qq"] for row in rows]).values_list("qq", flat=True))
    new = [(index, row) for index, row in enumerate(rows) if row["qq"] not in existing]
    if new:
        _insert_demo(new, users=users, today=today)


def _insert_demo(new: list[tuple[int, dict]], *, users: dict[str, UserInfo], today: datetime.date) -> None:
    fields = {f.name for f in Customer._meta.concrete_fields}
    Customer.objects.bulk_create(
        [
            Customer(consultant=_holder(index, users), **{k: v for k, v in row.items() if k in fields})
            for index, row in new
        ]
    )
    by_qq = dict(Customer.objects.filter(qq__in=[row["qq"] for _i, row in new]).values_list("qq", "pk"))
    reindex_customers(by_qq.values())  # bulk_create skips Customer.save: index the new rows here
    courses = list(Course.objects.order_by("pk"))
    links, records, last_dates = [], [], {}
    for index, row in new:
        pk = by_qq[row["qq"]]
        links += [
            Customer.course.through(customer_id=pk, course_id=courses[c].pk) for c in row["courses"] if c < len(courses)
        ]
        holder = _holder(index, users)
        # Public customers keep the history of whoever released them; that is what pub_record shows.
        author = holder or (users["consultant1"] if index % 2 else users["consultant2"])
        for note, days in zip(row["notes"], row["note_days"], strict=False):
            date = today - datetime.timedelta(days=days)
            records.append(ConsultRecord(customer_id=pk, consultant=author, note=note, date=date))
            last_dates[pk] = max(last_dates.get(pk, date), date)
    Customer.course.through.objects.bulk_create(links, ignore_conflicts=True)
    ConsultRecord.objects.bulk_create(records)
    for pk, date in last_dates.items():
        Customer.objects.filter(pk=pk).update(last_consult_date=date)
    _demo_history([by_qq[row["qq"]] for _index, row in new], users=users)


def _demo_history(ids: list[int], *, users: dict[str, UserInfo]) -> None:
    """Issue 12: the day each private demo customer was taken (filled as the migration does) and
    its timeline so far: ``entered`` on the day it came in, and for a private customer ``claimed``
    by its consultant on the day they took it, so the customer pages, the automatic return and
    the manager's weekly funnel (entered → claimed → signed) have something to show."""
    with transaction.atomic():
        # Taken on the day of the latest follow-up, never before the customer came in.
        held_rows = Customer.objects.filter(pk__in=ids, consultant__isnull=False)
        held_rows.filter(last_consult_date__isnull=True).update(recv_date=F("date"))
        held_rows.filter(last_consult_date__isnull=False).update(recv_date=Greatest("last_consult_date", "date"))
        rows = list(Customer.objects.filter(pk__in=ids).values_list("pk", "date", "consultant_id", "recv_date"))
        customer_events_record(
            customer_ids=ids,
            kind=CustomerEvent.Kind.ENTERED,
            actor=users.get("ops1"),
            at_by_customer={pk: _at(date, 9) for pk, date, _holder, _taken in rows},
        )
        held: dict[int, list[tuple[int, datetime.date]]] = {}
        for pk, _date, holder, taken in rows:
            if holder is not None:
                held.setdefault(holder, []).append((pk, taken))
        for consultant in UserInfo.objects.filter(pk__in=held).order_by("pk"):
            customer_events_record(
                customer_ids=[pk for pk, _taken in held[consultant.pk]],
                kind=CustomerEvent.Kind.CLAIMED,
                actor=consultant,
                consultant=consultant,
                detail={"consultant_id": consultant.pk, "consultant": actor_name(consultant)},
                at_by_customer={pk: _at(taken, 10) for pk, taken in held[consultant.pk]},
            )


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    """``hour`` o'clock on ``day`` in the configured time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
