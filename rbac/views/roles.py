"""Roles: list, add, edit, delete."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rbac.forms import RoleForm
from rbac.models import Role
from rbac.views.common import confirm_delete, save_guarded


def role_list(request: HttpRequest) -> HttpResponse:
    roles = Role.objects.annotate(
        permission_count=Count("permissions", distinct=True), user_count=Count("users", distinct=True)
    )
    return render(request, "rbac/role_list.html", {"roles": roles})


def _role_form(request: HttpRequest, instance: Role | None) -> HttpResponse:
    form = RoleForm(request.POST if request.method == "POST" else None, instance=instance)
    # The form's save also stores the menu scopes (one transaction, with the lockout guard around it).
    if request.method == "POST" and form.is_valid() and save_guarded(request, form):
        messages.success(request, _("Saved."))
        return redirect("rbac:role_list")
    title = _("Edit role") if instance else _("Add role")
    return render(request, "rbac/form.html", {"form": form, "title": title, "back": reverse("rbac:role_list")})


def role_add(request: HttpRequest) -> HttpResponse:
    return _role_form(request, None)


def role_change(request: HttpRequest, pk: int) -> HttpResponse:
    return _role_form(request, get_object_or_404(Role, pk=pk))


def role_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return confirm_delete(request, get_object_or_404(Role, pk=pk), reverse("rbac:role_list"))
