"""Demo data: customers (filled in by its issue)."""

from web.models import UserInfo


def seed_customers(*, users: dict[str, UserInfo], extra: int = 0) -> None:
    """Customers in the public pool and the consultants' pools; `extra` more, bulk-inserted, for benchmarks."""
    return None
