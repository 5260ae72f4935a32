"""Run callables in real threads at the same moment (MariaDB concurrency tests).

With ``GALERA_NODES=host:port,host:port,...`` (``scripts/galera.sh env`` prints it) thread *i*
talks to node *i mod n*, so the same race tests run with their transactions spread over a
Galera cluster, where only certification (not row locks) stops two nodes' conflicting writes.
"""

import os
import threading

import pytest
from django.db import connection, connections

#: Concurrency tests need row locks and several connections: MySQL/MariaDB only.
mysql_only = pytest.mark.skipif(
    connection.vendor != "mysql",
    reason="needs MySQL/MariaDB: real row locks across several connections (SQLite serialises writers)",
)


def galera_nodes() -> list[tuple[str, str]]:
    """(host, port) of each node in ``GALERA_NODES``; empty when it is not set."""
    return [tuple(node.rsplit(":", 1)) for node in os.environ.get("GALERA_NODES", "").split(",") if node]


def use_node(index: int) -> None:
    """Point this thread's default connection at Galera node ``index mod n`` (no-op without GALERA_NODES)."""
    nodes = galera_nodes()
    if not nodes:
        return
    host, port = nodes[index % len(nodes)]
    base = connections["default"]
    # connections is thread-local: this replaces the default connection of this thread only.
    connections["default"] = base.__class__({**base.settings_dict, "HOST": host, "PORT": port}, alias="default")


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
            use_node(index)
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
