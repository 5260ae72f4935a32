"""``manage.py search_index [--rebuild] [--check]``: the substring search indexes (stark.search_index)."""

import time

from django.core.management.base import BaseCommand, CommandError

from stark.search_index import registry


class Command(BaseCommand):
    help = "Rebuild and/or check every stark search index (the fragments of each indexed field)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Drop and rewrite every fragment.")
        parser.add_argument("--check", action="store_true", help="Compare the fragments with the rows (default).")
        parser.add_argument("--database", default=None)

    def handle(self, *args, rebuild=False, check=False, database=None, **options):
        if not registry:
            raise CommandError("No search index is defined.")
        for index in registry:
            name = f"{index.model_label} ({', '.join(index.fields)})"
            if rebuild:
                started = time.monotonic()
                written = index.rebuild(using=database)
                self.stdout.write(f"{name}: {written} fragments written in {time.monotonic() - started:.1f} s")
            if check or not rebuild:
                wrong = index.check(using=database)
                if wrong:
                    shown = ", ".join(map(str, wrong[:20]))
                    raise CommandError(f"{name}: {len(wrong)} rows indexed wrongly (ids {shown}…); run --rebuild")
                self.stdout.write(f"{name}: index matches every row")
