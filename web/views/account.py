"""Log in, log out, own password change, home and health check."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from rbac.services.access import get_snapshot


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET with 405)."""


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


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
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the app can reach its database, 503 (saying so) when it cannot.

    Served over plain HTTP even with the HTTPS redirect on (``SECURE_REDIRECT_EXEMPT``): a
    balancer probes the app's own port, behind the TLS it terminates.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "error", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})
