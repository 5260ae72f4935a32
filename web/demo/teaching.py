"""Demo data: course records and attendance, score records, talk records, a pending class change.

Works on the students that web.demo.enrolment seats in "Python 全栈开发 (semester 1)".
Idempotent: every row is looked up before it is created.
"""

import datetime

from django.utils import timezone

from web.demo.enrolment import demo_classes
from web.models import ClassChange, CourseRecord, ScoreRecord, Student, StudyRecord, TalkRecord, UserInfo
from web.services.attendance import attendance_generate
from web.services.class_changes import class_change_apply
from web.services.students import score_record_add

LESSONS = 5
SCORES = [("课堂积极回答问题", 3), ("作业按时完成", 2), ("上课迟到", -2)]
TALKS = [
    ("学习进度沟通", "最近作业完成较好，建议多做项目练习。"),
    ("就业意向", "希望毕业后做后端开发，推荐加强数据库部分。"),
]


def seed_teaching(*, users: dict[str, UserInfo], **options) -> None:
    classes = demo_classes()
    klass = classes["py1"]
    teacher = users["teacher1"]
    students = list(klass.students.filter(student_status=Student.Status.STUDYING).order_by("pk"))

    lessons = []
    for day in range(1, LESSONS + 1):
        lesson, _created = CourseRecord.objects.get_or_create(
            class_object=klass,
            day_num=day,
            defaults={
                "teacher": users["lecturer1" if day % 2 else "lecturer2"],
                "date": klass.start_date + datetime.timedelta(days=day),
            },
        )
        lessons.append(lesson)
    # The last lesson is left without attendance so "generate attendance" has something to do.
    attendance_generate(course_record_ids=[lesson.pk for lesson in lessons[:-1]])
    if (
        students
        and not StudyRecord.objects.exclude(record=StudyRecord.Record.CHECKED_IN)
        .filter(course_record__in=lessons)
        .exists()
    ):
        StudyRecord.objects.filter(course_record=lessons[0], student=students[0]).update(record=StudyRecord.Record.LATE)
        StudyRecord.objects.filter(course_record=lessons[1], student=students[-1]).update(
            record=StudyRecord.Record.VACATE
        )

    for index, student in enumerate(students):
        if not ScoreRecord.objects.filter(student=student).exists():
            content, delta = SCORES[index % len(SCORES)]
            score_record_add(student=student, user=teacher, content=content, score=delta)
        topic, content = TALKS[index % len(TALKS)]
        TalkRecord.objects.get_or_create(
            student=student,
            teacher=teacher,
            topic=topic,
            defaults={"content": content, "date": timezone.localdate() - datetime.timedelta(days=index)},
        )

    if students and not ClassChange.objects.filter(student=students[0]).exists():
        class_change_apply(
            applicant=teacher,
            student=students[0],
            kind=ClassChange.Kind.REPEAT,
            from_class=klass,
            to_class=classes["py2"],
            reason="基础较弱，申请留级到下一期重新学习。",
        )
