"""Which private customers the automatic return takes (DESIGN.md §4 rule 10): the rules as reads.

``web.services.returns`` moves them; the consultant's dashboard shows the ones it will take soon.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from web.models import Customer, UserInfo

RULE_NO_FOLLOW_UP = "no_follow_up"
RULE_NOT_SIGNED = "not_signed"


@dataclass(frozen=True)
class ReturnRules:
    """The two limits in days (0: rule off) and the day they are applied on."""

    no_follow_up_days: int
    not_signed_days: int
    today: datetime.date

    @classmethod
    def from_settings(cls, today: datetime.date | None = None) -> ReturnRules:
        return cls(
            no_follow_up_days=settings.CUSTOMER_RETURN_NO_FOLLOW_UP_DAYS,
            not_signed_days=settings.CUSTOMER_RETURN_NOT_SIGNED_DAYS,
            today=today or timezone.localdate(),
        )

    @property
    def enabled(self) -> bool:
        return self.no_follow_up_days > 0 or self.not_signed_days > 0

    def _cutoff(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def _taken_on_or_before(self, day: datetime.date) -> Q:
        return Q(recv_date__lte=day) | Q(recv_date__isnull=True, date__lte=day)

    def condition(self) -> Q:
        """The rows the rules return, as one filter (private, unsigned, and either rule holds)."""
        matches = Q(pk__in=[])
        if self.no_follow_up_days > 0:
            cutoff = self._cutoff(self.no_follow_up_days)
            matches |= self._taken_on_or_before(cutoff) & (
                Q(last_consult_date__isnull=True) | Q(last_consult_date__lte=cutoff)
            )
        if self.not_signed_days > 0:
            matches |= self._taken_on_or_before(self._cutoff(self.not_signed_days))
        return Q(consultant__isnull=False, status=Customer.Status.UNSIGNED) & matches

    def rule_for(self, *, status: str, consultant_id, recv_date, last_consult_date, date) -> str | None:
        """The rule that returns this row (checked on the locked row), or None."""
        if consultant_id is None or status != Customer.Status.UNSIGNED:
            return None
        taken = recv_date or date
        if self.no_follow_up_days > 0:
            cutoff = self._cutoff(self.no_follow_up_days)
            if taken <= cutoff and (last_consult_date is None or last_consult_date <= cutoff):
                return RULE_NO_FOLLOW_UP
        if self.not_signed_days > 0 and taken <= self._cutoff(self.not_signed_days):
            return RULE_NOT_SIGNED
        return None

    def days_of(self, rule: str) -> int:
        return self.no_follow_up_days if rule == RULE_NO_FOLLOW_UP else self.not_signed_days


def customers_to_return(rules: ReturnRules) -> QuerySet[Customer]:
    """Private customers the rules would return now (a plain read: the batches re-check under lock)."""
    if not rules.enabled:
        return Customer.objects.none()
    return Customer.objects.filter(rules.condition())


def customers_returning_soon(*, consultant: UserInfo, within_days: int = 3) -> QuerySet[Customer]:
    """The consultant's customers the rules will return within ``within_days`` days unless they act."""
    rules = ReturnRules.from_settings(timezone.localdate() + datetime.timedelta(days=within_days))
    return customers_to_return(rules).filter(consultant=consultant)
