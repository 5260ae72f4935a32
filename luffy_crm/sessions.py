"""Django's database sessions, read with one plain query instead of a model query.

Every request of a logged-in user starts by reading its session. Django's ``db`` engine builds a
``Session.objects.get(session_key=…, expire_date__gt=now)`` for it: ~0.15 ms of query building,
compiling and model instantiation on this machine, about as long as the database takes to answer.
Written by hand because no session library does less: the same row, the same expiry test and the
same database (the read router's choice, so a replica when the project has them); writing,
deleting and clearing expired sessions stay Django's own.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def load(self) -> dict:
        model = self.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        # Only quoted names of the session model go into the text; the values are parameters.
        sql = (
            f"SELECT {quote('session_data')} FROM {quote(model._meta.db_table)}"  # noqa: S608
            f" WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())])
            row = cursor.fetchone()
        if row is None:
            # Unknown or expired: a new session will get a new key (as Django's engine does).
            self._session_key = None
            return {}
        return self.decode(row[0])
