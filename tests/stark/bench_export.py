"""Benchmark (not a test): memory and time of streaming a 100,000-row CSV export.

    DATABASE_URL=sqlite:////tmp/stark_bench.sqlite3 .venv/bin/python -m tests.stark.bench_export [rows]

Creates the rows once (bulk inserts), then streams the export of the test app's book list
(FK and M2M columns included) and reports the peak Python memory seen by tracemalloc,
next to the peak of simply loading every row into a list for comparison.
"""

import os
import sys
import time
import tracemalloc


def main(rows: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import RequestFactory

    from stark.sites import site
    from tests.stark.testapp.models import Book, Publisher, Tag

    settings.STARK_PERMISSION_CHECK = None
    call_command("migrate", verbosity=0)
    if Book.objects.count() < rows:
        Book.objects.all().delete()
        publishers = Publisher.objects.bulk_create(Publisher(name=f"出版社{i}") for i in range(20))
        tags = Tag.objects.bulk_create(Tag(name=f"标签{i}") for i in range(5))
        books = Book.objects.bulk_create(
            (Book(title=f"图书 {i}", publisher=publishers[i % 20], pages=i % 900) for i in range(rows)),
            batch_size=5000,
        )
        through = Book.tags.through
        through.objects.bulk_create(
            (through(book_id=book.pk, tag_id=tags[book.pk % 5].pk) for book in books), batch_size=5000
        )

    handler = site.get_handler(Book)
    request = RequestFactory().get("/stark/testapp/book/list/export/")
    tracemalloc.start()
    started = time.perf_counter()
    size = lines = 0
    for chunk in handler.export_view(request).streaming_content:
        size += len(chunk)
        lines += 1
    elapsed = time.perf_counter() - started
    export_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    everything = list(Book.objects.select_related("publisher").prefetch_related("tags"))
    load_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del everything
    print(f"exported {lines - 2} rows, {size / 1e6:.1f} MB of CSV in {elapsed:.1f} s")
    print(f"peak memory while streaming: {export_peak / 1e6:.1f} MB")
    print(f"peak memory loading all rows at once (for comparison): {load_peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
