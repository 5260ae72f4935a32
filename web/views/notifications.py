"""The user's own notifications (issue 12 §5): the list page, marking read, the bell's unread count."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from stark.utils import clean_pks
from web.models import Notification
from web.selectors.notifications import notifications_of, notifications_unread_count
from web.services.notifications import notifications_mark_read

PER_PAGE = 20


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_list(request: HttpRequest) -> HttpResponse:
    """GET: the user's notices, newest first. POST ``pk`` (repeated) or ``all=1``: mark them read."""
    if request.method == "POST":
        ids = None if request.POST.get("all") == "1" else clean_pks(Notification, request.POST.getlist("pk"))
        changed = notifications_mark_read(user=request.user, notification_ids=ids)
        if changed:
            messages.success(
                request,
                ngettext("Marked %(count)d notification read.", "Marked %(count)d notifications read.", changed)
                % {"count": changed},
            )
        page = request.POST.get("page", "")
        return redirect(f"{request.path}?page={page}" if page.isdigit() else request.path)
    page = Paginator(notifications_of(user=request.user), PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "unread": notifications_unread_count(user=request.user)}
    return render(request, "web/notifications.html", context)


@never_cache
@login_required
@require_GET
def notification_unread(request: HttpRequest) -> JsonResponse:
    """The bell's badge: how many unread notices the user has."""
    return JsonResponse({"unread": notifications_unread_count(user=request.user)})
