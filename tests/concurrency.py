"""Run callables in real threads at the same moment (MariaDB concurrency tests)."""

import threading

import pytest
from django.db import connection, connections

#: Concurrency tests need row locks and several connections: MySQL/MariaDB only.
mysql_only = pytest.mark.skipif(
    connection.vendor != "mysql",
    reason="needs MySQL/MariaDB: real row locks across several connections (SQLite serialises writers)",
)


def run_concurrently(*funcs, timeout: float = 60):
    """Start every callable in its own thread behind a barrier; return their results in order.

    A thread still running after ``timeout`` seconds fails the test (a hung lock), and so does
    any error raised in a thread (the first one is re-raised here).
    """
    barrier = threading.Barrier(len(funcs))
    results: list = [None] * len(funcs)
    errors: list[BaseException] = []

    def worker(index, func):
        try:
            barrier.wait(timeout=30)
            results[index] = func()
        except BaseException as error:  # noqa: BLE001 - re-raised in the main thread
            errors.append(error)
        finally:
            # Each thread has its own connection; leaving it open would keep locks and block the flush.
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(funcs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    if errors:
        raise errors[0]
    return results
