import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

TEST_PASSWORD = "S3cure-pass-word"


@pytest.fixture
def user(db):
    # The CRM's factory when web is installed; the standalone runs of stark and rbac
    # (tests/standalone) have only their host's plain user model.
    if apps.is_installed("web"):
        from tests.factories import UserFactory

        return UserFactory(username="alice", password=TEST_PASSWORD)
    return get_user_model().objects.create_user(username="alice", password=TEST_PASSWORD)


@pytest.fixture
def logged_in_client(client, user):
    client.force_login(user)
    return client
