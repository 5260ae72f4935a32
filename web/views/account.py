"""Log in, log out, own password change, home and health check."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from rbac.services.access import get_snapshot
from rbac.views.common import parse_id
from web.audit import audit_event
from web.services.sessions import session_rekey, sessions_end, sessions_of


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET with 405)."""


class PasswordChangeView(auth_views.PasswordChangeView):
    """The own password page; it also lists the user's sessions, to end the others."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        old_key = self.request.session.session_key
        response = super().form_valid(form)  # keeps this session, under a new key
        session_rekey(old_key=old_key, new_key=self.request.session.session_key)
        # A new password ends every other session at once (not only at their next request).
        sessions_end(user=self.request.user, keep_session_key=self.request.session.session_key)
        audit_event(event="password_changed", actor=self.request.user, target=self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sessions"] = list(sessions_of(user=self.request.user))
        context["current_session_key"] = self.request.session.session_key
        return context


@require_POST
def session_end(request: HttpRequest) -> HttpResponse:
    """End one of the user's other sessions (``session`` = its id) or all of them (``all=1``)."""
    current = request.session.session_key
    if request.POST.get("all") == "1":
        ended = sessions_end(user=request.user, keep_session_key=current)
    else:
        record = get_object_or_404(
            sessions_of(user=request.user).exclude(session_key=current), pk=parse_id(request.POST.get("session", ""))
        )
        ended = sessions_end(user=request.user, session_ids=[record.pk])
    if ended:
        audit_event(event="sessions_ended", actor=request.user, target=request.user, count=ended)
    messages.success(
        request, ngettext("Ended %(count)d session.", "Ended %(count)d sessions.", ended) % {"count": ended}
    )
    return redirect("password_change")


def home_menus(request: HttpRequest) -> list[dict[str, Any]]:
    """The user's menus (from the rbac session snapshot), each with the entries that can be linked.

    An entry whose URL needs arguments cannot be opened from a menu: it is left out rather
    than shown as a broken link; a menu left without entries is left out too.
    """
    menus = []
    for menu in (get_snapshot(request) or {}).get("menus", []):
        entries = []
        for entry in menu["entries"]:
            try:
                entries.append({**entry, "href": reverse(entry["name"])})
            except NoReverseMatch:
                continue
        if entries:
            menus.append({**menu, "entries": entries})
    return menus


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each user's start page: their menu entries as cards, grouped by menu."""
    context = {
        "menus": home_menus(request),
        "roles": [role.title for role in request.user.roles.order_by("title")],
    }
    return render(request, "web/home.html", context)


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the app can reach its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
