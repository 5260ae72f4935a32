"""Login lockouts (登录锁定): the failure counts django-axes keeps, and unlocking them."""

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stark.handlers import StarkHandler, action
from web.services.security import lockout_release


class LockoutHandler(StarkHandler):
    """Read-only list of failure counts; the only change is the batch action that unlocks."""

    def display_locked(self, request: HttpRequest, obj=None, is_header=False, *args, **kwargs):
        if is_header:
            return _("Locked")
        locked = obj.failures_since_start >= settings.AXES_FAILURE_LIMIT and (
            obj.attempt_time >= timezone.now() - settings.AXES_COOLOFF_TIME
        )
        return gettext("Locked") if locked else gettext("Not locked")

    list_display = [
        StarkHandler.display_checkbox,
        "username",
        "ip_address",
        "failures_since_start",
        "attempt_time",
        display_locked,
    ]
    #: Found by the user name or the address tried.
    search_list = ["username", "ip_address"]
    order_list = ["-attempt_time", "-id"]
    has_add_btn = False
    list_title = _("Login lockouts")

    @action(_("Unlock the user names and addresses of the selected rows"))
    def multi_unlock(self, request: HttpRequest, queryset: QuerySet, *args, **kwargs) -> None:
        result = lockout_release(actor=request.user, attempt_ids=queryset.values_list("pk", flat=True))
        messages.success(
            request,
            gettext("Unlocked: %(names)s.") % {"names": "、".join((*result.usernames, *result.addresses)) or "-"},
        )

    action_list = [multi_unlock]

    #: The list and its unlock action: lockouts are made by failed logins, never by hand.
    pages = ("list",)
