"""``manage.py public_pool_days [--compact] [--rebuild] [--check]``: the public pool's customers
per entry day (``web.models.PublicPoolDay``), which its deep pages and its count are read from."""

from django.core.management.base import BaseCommand, CommandError

from web.services.public_pool_days import (
    compact_public_pool_days,
    public_pool_days_differences,
    public_pool_triggers_missing,
    rebuild_public_pool_days,
)


class Command(BaseCommand):
    help = "Check (the default), sum per day, or count again the public pool's customers per entry day."

    def add_arguments(self, parser):
        parser.add_argument("--compact", action="store_true", help="Replace each day's +1/-1 rows by their sum.")
        parser.add_argument(
            "--rebuild", action="store_true", help="Count every day again from the customers (nothing else writing)."
        )
        parser.add_argument("--check", action="store_true", help="Compare the counts with the customers (default).")

    def handle(self, *args, compact=False, rebuild=False, check=False, **options):
        if rebuild:
            self.stdout.write(f"{rebuild_public_pool_days()} days counted again")
        if compact:
            self.stdout.write(f"{compact_public_pool_days()} rows summed away")
        if check or not (compact or rebuild):
            missing = public_pool_triggers_missing()
            if missing:
                raise CommandError(f"triggers missing on web_customer: {', '.join(missing)}; run manage.py migrate")
            wrong = public_pool_days_differences()
            if wrong:
                shown = ", ".join(
                    f"{day}: {kept} kept, {actual} in the pool" for day, (kept, actual) in sorted(wrong.items())[:10]
                )
                raise CommandError(f"{len(wrong)} days counted wrongly ({shown}); run --rebuild")
            self.stdout.write("every day's count matches the public pool")
