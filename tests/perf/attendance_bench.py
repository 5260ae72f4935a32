"""Benchmark: generate attendance for a class of 200 studying students × 30 course records.

Run by hand (not collected by pytest), on a throwaway test database derived from DATABASE_URL:

    DATABASE_URL=mysql://root@127.0.0.1:3306/crm_bench .venv/bin/python tests/perf/attendance_bench.py

Prints the wall time and the number of SQL queries of the first run (creates 6,000 records)
and of a second run (creates nothing), best of --repeat rounds on a fresh class each time.
"""

import argparse
import datetime
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def build_class(round_no: int, students: int, lessons: int):
    from web.models import ClassList, Course, CourseRecord, Customer, Department, School, Student, UserInfo

    depart, _ = Department.objects.get_or_create(title="教质部", defaults={"kind": Department.Kind.TEACHING_QUALITY})
    teacher, _ = UserInfo.objects.get_or_create(username="bench_teacher", defaults={"depart": depart})
    klass = ClassList.objects.create(
        school=School.objects.get_or_create(title="基准校区")[0],
        course=Course.objects.get_or_create(name="基准课程")[0],
        semester=round_no,
        price=Decimal("19800"),
        start_date=datetime.date(2026, 9, 1),
        class_teacher=teacher,
    )
    customers = Customer.objects.bulk_create(
        Customer(name=f"学员{round_no}-{n}", qq=f"8{round_no:03d}{n:06d}", gender="male", status="signed")
        for n in range(students)
    )
    created = Student.objects.bulk_create(
        Student(customer=c, qq=c.qq, mobile="13800000000", emergency_contract="-", student_status="studying")
        for c in customers
    )
    Student.class_list.through.objects.bulk_create(
        Student.class_list.through(student_id=s.pk, classlist_id=klass.pk) for s in created
    )
    records = CourseRecord.objects.bulk_create(
        CourseRecord(class_object=klass, day_num=day, teacher=teacher) for day in range(1, lessons + 1)
    )
    return [r.pk for r in records]


def measure(course_record_ids):
    from web.services.attendance import attendance_generate

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = attendance_generate(course_record_ids=course_record_ids)
        elapsed = time.perf_counter() - started
    return elapsed, len(captured.captured_queries), result.created


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--lessons", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        first_runs, second_runs = [], []
        for round_no in range(1, args.repeat + 1):
            ids = build_class(round_no, args.students, args.lessons)
            first_runs.append(measure(ids))
            second_runs.append(measure(ids))
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        print(f"class of {args.students} studying students × {args.lessons} course records, best of {args.repeat}")
        for label, runs in (("first run ", first_runs), ("second run", second_runs)):
            best = min(runs)
            print(f"{label}: {best[0] * 1000:8.1f} ms, {best[1]} queries, {best[2]} records created")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
