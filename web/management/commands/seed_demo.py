from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from web import demo
from web.demo.scale import seed_school


class Command(BaseCommand):
    help = "Create the demo users, roles and sample data. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=demo.DEFAULT_PASSWORD, help="Password of every demo user.")
        parser.add_argument(
            "--customers",
            type=int,
            default=0,
            help="Also make a school of this many customers: consultants, courses, follow-ups, payments, students.",
        )
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, password: str, customers: int, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with a known password; it refuses to run with DEBUG off. "
                "Use --force if you really mean it."
            )
        users = demo.seed_all(password=password)
        if customers > 0:
            stats = seed_school(customers, users=users, password=password, progress=self._progress)
            self.stderr.write("")
            self.stdout.write(
                f"{stats.customers:,} customers and {stats.rows - stats.customers:,} related rows inserted in "
                f"{stats.seconds:.1f} s ({stats.rows_per_second:,.0f} rows/s)."
            )
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/login/ with:"))
        for username in users:
            self.stdout.write(f"  {username:<12} / {password}")

    def _progress(self, stats, total: int) -> None:
        """One progress line, rewritten in place: a bar, customers done, rows per second."""
        done = stats.customers / total if total else 1
        bar = "#" * int(done * 30)
        self.stderr.write(
            f"\r  [{bar:<30}] {stats.customers:,}/{total:,} customers, {stats.rows:,} rows, "
            f"{stats.seconds:.0f} s, {stats.rows_per_second:,.0f} rows/s",
            ending="",
        )
        self.stderr.flush()
