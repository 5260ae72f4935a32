"""Security operations of the administrator: lifting login lockouts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.db import transaction
from django.db.models import Q

from web.audit import audit_event
from web.models import UserInfo


@dataclass(frozen=True)
class LockoutReleaseResult:
    #: Failure records removed (of the chosen user names and addresses).
    removed: int
    #: The user names and addresses unlocked.
    usernames: tuple[str, ...]
    addresses: tuple[str, ...]


@transaction.atomic
def lockout_release(*, actor: UserInfo, attempt_ids: Iterable[int]) -> LockoutReleaseResult:
    """Unlock the user names and client addresses of the chosen failure records.

    A lockout counts every failure of a user name (from any address) and every failure from an
    address (for any user name), so unlocking removes all the records sharing either with a
    chosen one; removing only the chosen row would leave the others still counting.
    """
    chosen = list(AccessAttempt.objects.filter(pk__in=list(attempt_ids)).values_list("username", "ip_address"))
    usernames = tuple(sorted({u for u, _ip in chosen if u}))
    addresses = tuple(sorted({ip for _u, ip in chosen if ip}))
    if not chosen:
        return LockoutReleaseResult(removed=0, usernames=(), addresses=())
    removed, _per_model = AccessAttempt.objects.filter(Q(username__in=usernames) | Q(ip_address__in=addresses)).delete()
    audit_event(event="unlock", actor=actor, target_repr="、".join((*usernames, *addresses)))
    return LockoutReleaseResult(removed=removed, usernames=usernames, addresses=addresses)
