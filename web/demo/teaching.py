"""Demo data: teaching (filled in by its issue)."""

from web.models import UserInfo


def seed_teaching(*, users: dict[str, UserInfo], **options) -> None:
    return None
