"""Run callables in real threads at the same moment (MariaDB concurrency tests)."""

import threading

import pytest
from django.db import connection, connections

#: Concurrency tests need row locks and several connections: MySQL/MariaDB only.
mysql_only = pytest.mark.skipif(
    connection.vendor != "mysql",
    reason="needs MySQL/MariaDB: real row locks across several connections (SQLite serialises writers)",
)


def run_concurrently(*funcs):
    """Start every callable in its own thread behind a barrier; return results or raise the first error."""
    barrier = threading.Barrier(len(funcs))
    results: list = [None] * len(funcs)
    errors: list[BaseException] = []

    def worker(index, func):
        try:
            barrier.wait(timeout=10)
            results[index] = func()
        except BaseException as error:  # noqa: BLE001 - re-raised in the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(funcs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results
