"""Reads of a user's own notifications (issue 12 §5): nobody else's are ever found."""

from django.db.models import QuerySet

from web.models import Notification, UserInfo


def notifications_of(*, user: UserInfo) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created", "-id")


def notifications_unread_count(*, user: UserInfo) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
