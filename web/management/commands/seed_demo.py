from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from web import demo


class Command(BaseCommand):
    help = "Create the demo users, roles and sample data. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=demo.DEFAULT_PASSWORD, help="Password of every demo user.")
        parser.add_argument(
            "--customers", type=int, default=0, help="Also bulk-insert this many extra customers (benchmarks)."
        )
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, password: str, customers: int, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with a known password; it refuses to run with DEBUG off. "
                "Use --force if you really mean it."
            )
        users = demo.seed_all(password=password, customers_count=customers)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/login/ with:"))
        for username in users:
            self.stdout.write(f"  {username:<12} / {password}")
