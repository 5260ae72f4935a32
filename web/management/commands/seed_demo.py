from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from web import demo
from web.demo.scale import restore_deferred_indexes, seed_school
from web.models import UserInfo
from web.services.figures import figures_rebuild


class Command(BaseCommand):
    help = (
        "Create the demo users, roles and sample data in an empty database. A database that already "
        "has users is left as it is (their passwords, roles and data), unless --reset is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", default=demo.DEFAULT_PASSWORD, help="Password of every demo user.")
        parser.add_argument(
            "--customers",
            type=int,
            default=0,
            help="Also make a school of this many customers: consultants, courses, follow-ups, payments, students.",
        )
        parser.add_argument(
            "--restore-indexes",
            action="store_true",
            help="Only add back the indexes an interrupted big seeding dropped (MariaDB), then stop.",
        )
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Seed even though the database has users: the demo users get the demo password and roles back.",
        )
        parser.add_argument(
            "--address", default="", help="Where the app is served (e.g. http://127.0.0.1:8000), for the message."
        )

    def handle(
        self,
        *args,
        password: str,
        customers: int,
        force: bool,
        reset: bool,
        address: str,
        restore_indexes: bool = False,
        **options,
    ):
        if restore_indexes:
            added = restore_deferred_indexes()
            self.stdout.write(f"{len(added)} indexes added back: {', '.join(added) or 'none were missing'}.")
            return
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with a known password; it refuses to run with DEBUG off. "
                "Use --force if you really mean it."
            )
        login_url = f"{address.rstrip('/')}/login/" if address else "/login/"
        if UserInfo.objects.exists() and not reset:
            # `make run` seeds every time it starts: a second run must not undo what users changed.
            self.stdout.write(
                "The database already has users: demo data left as it is (passwords, roles and data kept). "
                "Use `manage.py seed_demo --reset` (or `make demo`) to seed it again."
            )
            self.stdout.write(f"Log in at {login_url}")
            return
        users = demo.seed_all(password=password)
        if customers > 0:
            stats = seed_school(customers, users=users, password=password, progress=self._progress)
            self.stderr.write("")
            self.stdout.write(
                f"{stats.customers:,} customers and {stats.rows - stats.customers:,} related rows inserted in "
                f"{stats.seconds:.1f} s ({stats.rows_per_second:,.0f} rows/s)."
            )
            self.stdout.write("  " + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in stats.phases.items()))
        # The big school's rows are bulk-inserted around the services: count them into the
        # manager's daily figures (the hand-made demo is counted by its services already).
        figures_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Log in at {login_url} with:"))
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
