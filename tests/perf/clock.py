"""Wall time, CPU time and the machine's load, for benchmarks on a shared machine.

On a machine shared by several busy processes, wall-clock time says as much about the others as
about the code measured. ``Clock`` also records the CPU time of this process (what the Python side
costs) and, when it can read it from ``/proc``, of the database server (MariaDB's ``mariadbd`` or
``mysqld``, shared with whatever else uses it), and the load average at the start and the end::

    with Clock() as clock:
        do_the_work()
    print(clock.summary())  # "wall 12.3 s, cpu 4.5 s (db 6.1 s), load 3.2→3.9"
"""

from __future__ import annotations

import os
import time
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _db_server_pid() -> int | None:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if name in ("mariadbd", "mysqld"):
            return int(entry.name)
    return None


def _cpu_of(pid: int | None) -> float | None:
    """User + system CPU seconds of process ``pid`` (all its threads), or None."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime (fields 14 and 15 of stat)


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0


class Clock:
    """Wall, own CPU and database-server CPU seconds of a block, with the load average around it."""

    _db_pid: int | None = None
    _db_pid_known = False

    def __enter__(self) -> Clock:
        if not Clock._db_pid_known:
            Clock._db_pid, Clock._db_pid_known = _db_server_pid(), True
        self.load_before = load_average()
        self._db_start = _cpu_of(Clock._db_pid)
        self._cpu_start = time.process_time()
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self._start
        self.cpu = time.process_time() - self._cpu_start
        db_end = _cpu_of(Clock._db_pid)
        self.db_cpu = None if self._db_start is None or db_end is None else db_end - self._db_start
        self.load_after = load_average()

    @property
    def load(self) -> float:
        return max(self.load_before, self.load_after)

    def summary(self) -> str:
        db = "" if self.db_cpu is None else f" (db server {self.db_cpu:.1f} s)"
        return f"wall {self.wall:.1f} s, cpu {self.cpu:.1f} s{db}, load {self.load_before:.1f}→{self.load_after:.1f}"

    def as_dict(self) -> dict:
        return {
            "wall_s": self.wall,
            "cpu_s": self.cpu,
            "db_cpu_s": self.db_cpu,
            "load_before": self.load_before,
            "load_after": self.load_after,
        }
