"""Demo data for `manage.py seed_demo`, one module per area. Every step is
idempotent: running seed_demo twice creates nothing new."""

from django.db import transaction

from web.demo import base, customers, enrolment, roles, teaching
from web.demo.base import DEFAULT_PASSWORD

__all__ = ["DEFAULT_PASSWORD", "seed_all"]


@transaction.atomic
def seed_all(*, password: str = DEFAULT_PASSWORD) -> dict:
    """Seed everything; returns the demo users by username."""
    users = base.seed_base(password=password)
    customers.seed_customers(users=users)
    enrolment.seed_enrolment(users=users)
    teaching.seed_teaching(users=users)
    roles.seed_roles(users=users)
    return users
