"""Return idle private customers to the public pool (issue 12; see web/services/returns.py).

Schedule it every few minutes (README, "Automatic return"); several machines may run it at once.
"""

from django.core.management.base import BaseCommand

from web.models import UserInfo
from web.services.returns import DEFAULT_BATCH_SIZE, customers_return_idle


class Command(BaseCommand):
    help = (
        "Move unsigned private customers nobody works (no follow-up for CUSTOMER_RETURN_NO_FOLLOW_UP_DAYS, "
        "or unsigned CUSTOMER_RETURN_NOT_SIGNED_DAYS after being taken) back to the public pool."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be returned.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help="Customers per transaction (default %(default)s).",
        )

    def handle(self, *args, dry_run: bool = False, batch_size: int = DEFAULT_BATCH_SIZE, **options) -> None:
        if batch_size < 1:
            self.stderr.write("--batch-size must be at least 1.")
            raise SystemExit(2)
        result = customers_return_idle(dry_run=dry_run, batch_size=batch_size)
        names = dict(
            (pk, name or username)
            for pk, name, username in UserInfo.objects.filter(pk__in=list(result.per_consultant)).values_list(
                "pk", "name", "username"
            )
        )
        verb = "would return" if dry_run else "returned"
        for consultant_id, count in sorted(result.per_consultant.items(), key=lambda item: (-item[1], item[0])):
            self.stdout.write(f"{names.get(consultant_id, consultant_id)}: {count}")
        rules = ", ".join(f"{rule}={count}" for rule, count in sorted(result.per_rule.items())) or "none"
        self.stdout.write(f"{verb} {result.total} customers to the public pool ({rules})")
