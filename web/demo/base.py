"""Demo data: departments, campuses, courses, demo users, classes."""

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
    superuser: bool = False


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

DEMO_USERS = [
    DemoUser("admin", "路飞管理员", Gender.MALE, "行政部", superuser=True),
    DemoUser("manager1", "王销售主管", Gender.FEMALE, "销售部"),
    DemoUser("consultant1", "李晓明", Gender.MALE, "销售部"),
    DemoUser("consultant2", "张丽华", Gender.FEMALE, "销售部"),
    DemoUser("ops1", "赵运营", Gender.FEMALE, "运营部"),
    DemoUser("finance1", "钱会计", Gender.MALE, "财务部"),
    DemoUser("teacher1", "孙班主任", Gender.FEMALE, "教质部"),
    DemoUser("lecturer1", "周讲师", Gender.MALE, "教学部"),
    DemoUser("lecturer2", "吴讲师", Gender.MALE, "教学部"),
]


def seed_base(*, password: str = DEFAULT_PASSWORD) -> dict[str, UserInfo]:
    """Departments, campuses, courses, the demo users and a few classes."""
    departments = {
        title: Department.objects.update_or_create(title=title, defaults={"kind": kind})[0]
        for title, kind in DEPARTMENTS
    }
    schools = [School.objects.get_or_create(title=title)[0] for title in SCHOOLS]
    courses = [Course.objects.get_or_create(name=name)[0] for name in COURSES]

    users = {}
    for demo in DEMO_USERS:
        user, _created = UserInfo.objects.update_or_create(
            username=demo.username,
            defaults={
                "name": demo.name,
                "gender": demo.gender,
                "depart": departments[demo.department],
                "email": f"{demo.username}@luffycity.example",
                "is_superuser": demo.superuser,
                "is_staff": demo.superuser,
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        users[demo.username] = user

    start = timezone.localdate() - datetime.timedelta(days=60)
    for index, course in enumerate(courses[:3]):
        for semester in (1, 2):
            klass, _created = ClassList.objects.get_or_create(
                course=course,
                semester=semester,
                school=schools[index % len(schools)],
                defaults={
                    "price": Decimal("19800.00") + 1000 * index,
                    "start_date": start + datetime.timedelta(days=120 * (semester - 1)),
                    "class_teacher": users["teacher1"],
                },
            )
            klass.tech_teachers.add(users["lecturer1"], users["lecturer2"])
    return users
