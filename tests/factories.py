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
