"""Demo data: roles (filled in by its issue)."""

from web.models import UserInfo


def seed_roles(*, users: dict[str, UserInfo], **options) -> None:
    return None
