"""Shared helpers for the base-data page tests (campuses, departments, staff, courses, classes)."""

from django.test import Client

from stark.sites import site
from tests.permissions import grant_permissions


def login_with(client: Client, user, *url_names: str, scope: str | None = None) -> Client:
    """Log ``user`` in holding exactly ``url_names`` (with the data scope ``scope``, default "all")."""
    grant_permissions(user, *url_names, scope=scope)
    client.force_login(user)
    return client


def row_texts(response) -> list[str]:
    """Each list row's cells joined by " | " (HTML of the cells, escaped)."""
    return [" | ".join(str(cell) for cell in row) for row in response.context["rows"]]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def show_one_page(monkeypatch, model) -> None:
    """Let the model's list show up to 100 rows on one page (query-count tests render every row)."""
    monkeypatch.setattr(site.get_handler(model), "per_page", 100)
