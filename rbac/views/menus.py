"""Menus and their permissions: one page with three columns (menus, entries, pages under an entry)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from rbac.forms import MenuForm, PermissionForm
from rbac.models import Menu, Permission
from rbac.views.common import back_url, confirm_delete, parse_id, save_guarded


def _int_param(request: HttpRequest, key: str) -> int | None:
    return parse_id(request.GET.get(key, ""))


def menu_list(request: HttpRequest) -> HttpResponse:
    menus = list(Menu.objects.all())
    menu = next((m for m in menus if m.pk == _int_param(request, "mid")), None)
    entries = list(menu.permissions.order_by("id")) if menu else []
    entry = next((e for e in entries if e.pk == _int_param(request, "sid")), None)
    children = list(entry.children.order_by("id")) if entry else []
    ungrouped = Permission.objects.filter(menu__isnull=True, parent__isnull=True).order_by("name")
    return render(
        request,
        "rbac/menu_list.html",
        {
            "menus": menus,
            "menu": menu,
            "entries": entries,
            "entry": entry,
            "children": children,
            "ungrouped": ungrouped,
            "here": request.get_full_path(),
        },
    )


def _menu_form(request: HttpRequest, instance: Menu | None) -> HttpResponse:
    form = MenuForm(request.POST if request.method == "POST" else None, instance=instance)
    if request.method == "POST" and form.is_valid():
        menu = form.save()
        messages.success(request, _("Saved."))
        return redirect(reverse("rbac:menu_list") + "?" + urlencode({"mid": menu.pk}))
    title = _("Edit menu") if instance else _("Add menu")
    return render(request, "rbac/form.html", {"form": form, "title": title, "back": reverse("rbac:menu_list")})


def menu_add(request: HttpRequest) -> HttpResponse:
    return _menu_form(request, None)


def menu_change(request: HttpRequest, pk: int) -> HttpResponse:
    return _menu_form(request, get_object_or_404(Menu, pk=pk))


def menu_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return confirm_delete(request, get_object_or_404(Menu, pk=pk), reverse("rbac:menu_list"))


def _permission_form(request: HttpRequest, instance: Permission | None) -> HttpResponse:
    initial = {}
    if instance is None:
        initial = {"menu": _int_param(request, "menu"), "parent": _int_param(request, "parent")}
    form = PermissionForm(request.POST if request.method == "POST" else None, instance=instance, initial=initial)
    back = back_url(request, "rbac:menu_list")
    if request.method == "POST" and form.is_valid() and save_guarded(request, form):
        messages.success(request, _("Saved."))
        return redirect(back)
    title = _("Edit permission") if instance else _("Add permission")
    return render(request, "rbac/form.html", {"form": form, "title": title, "back": back})


def permission_add(request: HttpRequest) -> HttpResponse:
    return _permission_form(request, None)


def permission_change(request: HttpRequest, pk: int) -> HttpResponse:
    return _permission_form(request, get_object_or_404(Permission, pk=pk))


def permission_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return confirm_delete(request, get_object_or_404(Permission, pk=pk), back_url(request, "rbac:menu_list"))
