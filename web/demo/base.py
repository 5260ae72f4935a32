"""Demo data: departments, campuses, courses, staff (the demo users and colleagues), classes."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from web.models import ClassList, Course, Department, Gender, School, UserInfo

DEFAULT_PASSWORD = "Luffy@2026"  # noqa: S105 - documented demo password, DEBUG only


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    gender: str
    department: str
    phone: str
    superuser: bool = False


@dataclass(frozen=True)
class DemoClass:
    course: str
    semester: int
    school: str
    price: Decimal
    #: Days from today to the first lesson (negative: already started).
    starts_in: int
    weeks: int
    class_teacher: str
    teachers: tuple[str, ...]
    memo: str


DEPARTMENTS = [
    ("销售部", Department.Kind.SALES),
    ("运营部", Department.Kind.OPERATIONS),
    ("财务部", Department.Kind.FINANCE),
    ("教质部", Department.Kind.TEACHING_QUALITY),
    ("教学部", Department.Kind.TEACHING),
    ("行政部", Department.Kind.OTHER),
]
SCHOOLS = ["北京沙河校区", "上海浦东校区", "深圳南山校区"]
COURSES = ["Python 全栈开发", "Linux 运维", "数据分析", "前端开发"]

#: The demo logins (README) first, then their colleagues: every department has people in it.
DEMO_USERS = [
    DemoUser("admin", "路飞管理员", Gender.MALE, "行政部", "13800000001", superuser=True),
    DemoUser("manager1", "王销售主管", Gender.FEMALE, "销售部", "13800000002"),
    DemoUser("consultant1", "李晓明", Gender.MALE, "销售部", "13800000003"),
    DemoUser("consultant2", "张丽华", Gender.FEMALE, "销售部", "13800000004"),
    DemoUser("ops1", "赵运营", Gender.FEMALE, "运营部", "13800000005"),
    DemoUser("finance1", "钱会计", Gender.MALE, "财务部", "13800000006"),
    DemoUser("teacher1", "孙班主任", Gender.FEMALE, "教质部", "13800000007"),
    DemoUser("lecturer1", "周讲师", Gender.MALE, "教学部", "13800000008"),
    DemoUser("lecturer2", "吴讲师", Gender.MALE, "教学部", "13800000009"),
    DemoUser("teacher2", "郑班主任", Gender.MALE, "教质部", "13800000010"),
    DemoUser("lecturer3", "冯讲师", Gender.FEMALE, "教学部", "13800000011"),
]

#: Six classes: two semesters of three courses, spread over the campuses, some already running.
DEMO_CLASSES = [
    DemoClass(
        "Python 全栈开发", 1, "北京沙河校区", Decimal("19800.00"), -60, 24, "teacher1",
        ("lecturer1", "lecturer2"), "全日制脱产班，周一至周五 9:00–18:00",
    ),
    DemoClass(
        "Python 全栈开发", 2, "北京沙河校区", Decimal("19800.00"), 60, 24, "teacher1",
        ("lecturer1",), "全日制脱产班，下期开班",
    ),
    DemoClass(
        "Linux 运维", 1, "上海浦东校区", Decimal("12800.00"), -30, 16, "teacher2",
        ("lecturer2",), "周末班，周六周日全天",
    ),
    DemoClass(
        "Linux 运维", 2, "上海浦东校区", Decimal("12800.00"), 90, 16, "teacher2",
        ("lecturer2", "lecturer3"), "周末班",
    ),
    DemoClass(
        "数据分析", 1, "深圳南山校区", Decimal("15800.00"), -90, 20, "teacher1",
        ("lecturer3",), "晚班，周一至周五 19:00–22:00",
    ),
    DemoClass(
        "数据分析", 2, "深圳南山校区", Decimal("15800.00"), 45, 20, "teacher2",
        ("lecturer1", "lecturer3"), "晚班",
    ),
]  # fmt: skip


def seed_base(*, password: str = DEFAULT_PASSWORD) -> dict[str, UserInfo]:
    """Departments, campuses, courses, the demo users and their colleagues, and six classes."""
    departments = {
        title: Department.objects.update_or_create(title=title, defaults={"kind": kind})[0]
        for title, kind in DEPARTMENTS
    }
    schools = {title: School.objects.get_or_create(title=title)[0] for title in SCHOOLS}
    courses = {name: Course.objects.get_or_create(name=name)[0] for name in COURSES}
    users = {demo.username: _seed_user(demo, departments, password) for demo in DEMO_USERS}

    today = timezone.localdate()
    for demo in DEMO_CLASSES:
        start = today + datetime.timedelta(days=demo.starts_in)
        klass, created = ClassList.objects.get_or_create(
            course=courses[demo.course],
            semester=demo.semester,
            school=schools[demo.school],
            defaults={
                "price": demo.price,
                "start_date": start,
                "graduate_date": start + datetime.timedelta(weeks=demo.weeks),
                "class_teacher": users[demo.class_teacher],
                "memo": demo.memo,
            },
        )
        if created:
            klass.tech_teachers.set([users[username] for username in demo.teachers])
    return users


def _seed_user(demo: DemoUser, departments: dict[str, Department], password: str) -> UserInfo:
    user, _created = UserInfo.objects.update_or_create(
        username=demo.username,
        defaults={
            "name": demo.name,
            "gender": demo.gender,
            "depart": departments[demo.department],
            "phone": demo.phone,
            "email": f"{demo.username}@luffycity.example",
            "is_superuser": demo.superuser,
            "is_staff": demo.superuser,
            "is_active": True,
        },
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
