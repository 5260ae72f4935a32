"""In-app notifications (issue 12 §5): written by the services, in the transaction of the change.

The text is rendered once, in the site's language (``LANGUAGE_CODE``), when the notice is written;
the link is a local path built with ``reverse``. Only the owner reads or marks their notices.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from stark.utils import clean_pks
from web.models import Notification, UserInfo

#: Rows per INSERT when many users are told at once (every finance clerk of a new application).
BULK_BATCH_SIZE = 500
#: The permission whose holders are told of new payment applications.
FINANCE_PERMISSION = "stark:web_paymentrecord_check_list"


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("notifications must be written inside the transaction of the change they tell about")


def notifications_send(*, users: Iterable[UserInfo | int], text: str, link: str = "") -> int:
    """Tell each of ``users`` the same ``text`` (with an optional local ``link``); returns how many were written."""
    _require_transaction()
    if link and not link.startswith("/"):
        raise ValueError("a notification links only to a local path")
    now = timezone.now()
    rows = [
        Notification(user_id=user if isinstance(user, int) else user.pk, text=text[:500], link=link, created=now)
        for user in dict.fromkeys(users)
    ]
    Notification.objects.bulk_create(rows, batch_size=BULK_BATCH_SIZE)
    return len(rows)


def notification_send(*, user: UserInfo | int, text: str, link: str = "") -> None:
    notifications_send(users=[user], text=text, link=link)


def notifications_mark_read(*, user: UserInfo, notification_ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s own unread notices read (all of them when ``notification_ids`` is None).

    Ids of someone else's notices are simply not matched. Returns how many changed.
    """
    with transaction.atomic():
        unread = Notification.objects.filter(user=user, read_at__isnull=True)
        if notification_ids is not None:
            unread = unread.filter(pk__in=clean_pks(Notification, notification_ids))
        return unread.update(read_at=timezone.now())


# ---------------------------------------------------------------- what the services tell whom
def _site_language():
    return translation.override(settings.LANGUAGE_CODE)


def _customer_link(customer_id: int) -> str:
    return reverse("stark:web_customer_priv_detail", kwargs={"pk": customer_id})


def finance_users() -> QuerySet[UserInfo]:
    """Active users who may decide on payment applications (they hold the approval list)."""
    return UserInfo.objects.filter(is_active=True, roles__permissions__name=FINANCE_PERMISSION).distinct()


def notify_payment_applied(*, customer_name: str, consultant: UserInfo, amount: str) -> None:
    with _site_language():
        text = gettext("New payment application: %(customer)s, %(amount)s yuan, by %(consultant)s") % {
            "customer": customer_name,
            "amount": amount,
            "consultant": consultant.name or consultant.username,
        }
    link = reverse("stark:web_paymentrecord_check_list")
    notifications_send(users=finance_users().values_list("pk", flat=True), text=text, link=link)


def notify_payment_decided(
    *, consultant_id: int, customer_id: int, customer_name: str, confirmed: bool, reason: str = ""
) -> None:
    with _site_language():
        if confirmed:
            text = gettext("The payment application of %(customer)s was confirmed.") % {"customer": customer_name}
        else:
            text = gettext("The payment application of %(customer)s was rejected.") % {"customer": customer_name}
            if reason:
                text += " " + gettext("Reason: %(reason)s") % {"reason": reason}
    notification_send(user=consultant_id, text=text, link=_customer_link(customer_id))


def notify_customers_assigned(*, consultant: UserInfo, count: int, by: UserInfo, reassigned: bool = False) -> None:
    """Tell a consultant the manager gave them customers (``reassigned``: from another consultant)."""
    if count <= 0:
        return
    with _site_language():
        if reassigned:
            text = ngettext(
                "%(manager)s reassigned %(count)d customer to you.",
                "%(manager)s reassigned %(count)d customers to you.",
                count,
            )
        else:
            text = ngettext(
                "%(manager)s assigned %(count)d customer to you.",
                "%(manager)s assigned %(count)d customers to you.",
                count,
            )
        text = text % {"manager": by.name or by.username, "count": count}
    notification_send(user=consultant, text=text, link=reverse("stark:web_customer_priv_list"))


def notify_customers_returned(*, counts: dict[int, int]) -> None:
    """Tell each consultant how many of their customers the automatic return took (consultant id → count)."""
    _require_transaction()
    now, link, rows = timezone.now(), reverse("stark:web_customer_pub_list"), []
    with _site_language():
        for consultant_id, count in counts.items():
            text = ngettext(
                "%(count)d of your customers went back to the public pool: nobody worked them in time.",
                "%(count)d of your customers went back to the public pool: nobody worked them in time.",
                count,
            ) % {"count": count}
            rows.append(Notification(user_id=consultant_id, text=text, link=link, created=now))
    Notification.objects.bulk_create(rows, batch_size=BULK_BATCH_SIZE)
