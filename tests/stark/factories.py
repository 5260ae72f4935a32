"""factory_boy factories for stark's test-only models."""

import datetime
from decimal import Decimal

import factory

from tests.stark.testapp import models


class PublisherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Publisher

    name = factory.Sequence(lambda n: f"Publisher {n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Category

    name = factory.Sequence(lambda n: f"Category {n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Tag

    name = factory.Sequence(lambda n: f"tag{n}")


class BookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Book

    title = factory.Sequence(lambda n: f"Book {n}")
    pages = factory.Sequence(lambda n: 100 + n)
    price = Decimal("39.90")
    published = datetime.date(2026, 3, 1)
    publisher = factory.SubFactory(PublisherFactory)


class ChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Chapter

    book = factory.SubFactory(BookFactory)
    title = factory.Sequence(lambda n: f"Chapter {n}")
