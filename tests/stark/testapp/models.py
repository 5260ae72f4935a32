from django.conf import settings
from django.db import models
from django.utils import timezone


class Publisher(models.Model):
    name = models.CharField("publisher name", max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    name = models.CharField("category name", max_length=64)
    active = models.BooleanField("active", default=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField("tag name", max_length=32)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Book(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField("title", max_length=100)
    summary = models.TextField("summary", blank=True)
    pages = models.IntegerField("pages", default=100)
    price = models.DecimalField("price", max_digits=8, decimal_places=2, default=10)
    in_stock = models.BooleanField("in stock", default=True)
    published = models.DateField("published on", null=True, blank=True)
    created = models.DateTimeField("created at", default=timezone.now)
    status = models.CharField("status", max_length=16, choices=Status.choices, default=Status.DRAFT)
    #: PROTECT: a publisher with books cannot be deleted.
    publisher = models.ForeignKey(Publisher, verbose_name="publisher", on_delete=models.PROTECT)
    category = models.ForeignKey(
        Category,
        verbose_name="category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        limit_choices_to={"active": True},
    )
    tags = models.ManyToManyField(Tag, verbose_name="tags", blank=True)
    #: Whose book it is: the "own" data scope of the scoped handler.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="owner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Chapter(models.Model):
    #: CASCADE: deleting a book deletes its chapters.
    book = models.ForeignKey(Book, verbose_name="book", on_delete=models.CASCADE, related_name="chapters")
    title = models.CharField("chapter title", max_length=100)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title
