"""The database triggers that keep ``web_publicpoolday`` (``web.models.PublicPoolDay``).

One +1 row when a customer enters the public pool (``consultant_id IS NULL``), one -1 row when
one leaves it, on the day the customer entered the school, written by the database in the
transaction of the write, whatever wrote it. "INSERT … SELECT … WHERE" rather than IF … END IF:
one statement, the same in both dialects apart from MariaDB's ``FROM DUAL``.

Used by migration 0012 and after every migrate (``web.signals``): SQLite drops a table's
triggers when a migration rebuilds the table (``ALTER`` of a column is a new table there).
"""

from __future__ import annotations

_LEAVES = "OLD.consultant_id IS NULL AND NOT (NEW.consultant_id IS NULL AND NEW.date = OLD.date)"
_ENTERS = "NEW.consultant_id IS NULL AND NOT (OLD.consultant_id IS NULL AND NEW.date = OLD.date)"
TRIGGERS = {
    "web_customer_public_day_insert": (
        "AFTER INSERT",
        "INSERT INTO web_publicpoolday (date, delta) SELECT NEW.date, 1{dual} WHERE NEW.consultant_id IS NULL",
    ),
    "web_customer_public_day_update": (
        "AFTER UPDATE",
        "INSERT INTO web_publicpoolday (date, delta) "
        f"SELECT OLD.date, -1{{dual}} WHERE {_LEAVES} UNION ALL SELECT NEW.date, 1{{dual}} WHERE {_ENTERS}",
    ),
    "web_customer_public_day_delete": (
        "AFTER DELETE",
        "INSERT INTO web_publicpoolday (date, delta) SELECT OLD.date, -1{dual} WHERE OLD.consultant_id IS NULL",
    ),
}


def _check_vendor(connection) -> None:
    if connection.vendor not in ("sqlite", "mysql"):
        raise NotImplementedError(f"the public pool's day counts need triggers written for {connection.vendor}")


def existing_triggers(connection) -> set[str]:
    """The names of ``TRIGGERS`` that exist on the customer table."""
    _check_vendor(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'web_customer'")
        else:
            cursor.execute(
                "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS "
                "WHERE EVENT_OBJECT_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = 'web_customer'"
            )
        return {name for (name,) in cursor.fetchall()} & TRIGGERS.keys()


def create_triggers(connection, names=None) -> list[str]:
    """Create the triggers ``names`` (default: all); returns the names created."""
    _check_vendor(connection)
    created = []
    with connection.cursor() as cursor:
        for name, (when, body) in TRIGGERS.items():
            if names is not None and name not in names:
                continue
            statement = body.format(dual=" FROM DUAL" if connection.vendor == "mysql" else "")
            if connection.vendor == "sqlite":
                cursor.execute(f"CREATE TRIGGER {name} {when} ON web_customer FOR EACH ROW BEGIN {statement}; END")
            else:
                cursor.execute(f"CREATE TRIGGER {name} {when} ON web_customer FOR EACH ROW {statement}")
            created.append(name)
    return created


def drop_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
