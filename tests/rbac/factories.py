"""Users for rbac's tests on whatever AUTH_USER_MODEL the host has (the CRM's, or a plain one alone)."""

import factory
from django.contrib.auth import get_user_model

DEFAULT_TEST_PASSWORD = "S3cure-pass-word"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(DEFAULT_TEST_PASSWORD)
