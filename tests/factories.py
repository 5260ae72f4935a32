"""factory_boy factories with realistic values, shared by all tests."""

import datetime
from decimal import Decimal

import factory

from web import models

DEFAULT_TEST_PASSWORD = "S3cure-pass-word"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Department
        django_get_or_create = ("title",)

    title = factory.Sequence(lambda n: f"部门{n}")
    kind = models.Department.Kind.OTHER


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.School
        django_get_or_create = ("title",)

    title = factory.Sequence(lambda n: f"校区{n}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Course
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"课程{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.UserInfo
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"员工{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@luffycity.example")
    gender = models.Gender.MALE
    depart = factory.SubFactory(DepartmentFactory)
    password = factory.django.Password(DEFAULT_TEST_PASSWORD)


class ClassListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClassList
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    course = factory.SubFactory(CourseFactory)
    semester = factory.Sequence(lambda n: n + 1)
    price = Decimal("19800.00")
    start_date = datetime.date(2026, 9, 1)
    class_teacher = factory.SubFactory(
        UserFactory,
        depart=factory.SubFactory(DepartmentFactory, title="教质部", kind=models.Department.Kind.TEACHING_QUALITY),
    )


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Customer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"客户{n}")
    qq = factory.Sequence(lambda n: str(10000000 + n))
    gender = models.Gender.FEMALE
    source = models.Customer.Source.QQ_GROUP
    consultant = None


class ConsultRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ConsultRecord

    customer = factory.SubFactory(CustomerFactory)
    consultant = factory.SubFactory(UserFactory)
    note = "电话沟通，对 Python 全栈课程感兴趣，约下周到校试听。"


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Student
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory, status=models.Customer.Status.SIGNED)
    qq = factory.LazyAttribute(lambda s: s.customer.qq)
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    emergency_contract = "父亲 13900000000"
    student_status = models.Student.Status.STUDYING


class PaymentRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PaymentRecord

    customer = factory.SubFactory(CustomerFactory)
    consultant = factory.SubFactory(UserFactory)
    pay_type = models.PaymentRecord.PayType.ENROLMENT_FEE
    paid_fee = Decimal("2000.00")
    class_list = factory.SubFactory(ClassListFactory)


class ScoreRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ScoreRecord

    student = factory.SubFactory(StudentFactory)
    content = "课堂积极回答问题"
    score = 2
    user = factory.SubFactory(UserFactory)


class CourseRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CourseRecord

    class_object = factory.SubFactory(ClassListFactory)
    day_num = factory.Sequence(lambda n: n + 1)
    teacher = factory.SubFactory(UserFactory)
    date = datetime.date(2026, 9, 2)


class StudyRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StudyRecord

    course_record = factory.SubFactory(CourseRecordFactory)
    student = factory.SubFactory(StudentFactory)


class TalkRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TalkRecord

    student = factory.SubFactory(StudentFactory)
    teacher = factory.SubFactory(UserFactory)
    topic = "学习进度沟通"
    content = "最近作业完成较好，建议多做项目练习。"


class ClassChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClassChange

    student = factory.SubFactory(StudentFactory)
    kind = models.ClassChange.Kind.TRANSFER
    from_class = factory.SubFactory(ClassListFactory)
    to_class = factory.SubFactory(ClassListFactory)
    reason = "工作时间调整，需要转到周末班。"
    applicant = factory.SubFactory(UserFactory)
