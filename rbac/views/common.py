"""Small helpers shared by the rbac views."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from rbac.services.guard import AssignmentLockout, keeping_assignment_reachable

#: The largest value of a (big) auto primary key; beyond it a lookup fails (SQLite: OverflowError).
MAX_ID = 2**63 - 1


def parse_id(value: str) -> int | None:
    """``value`` as a primary key, or None unless it is plain ASCII digits within the key's range.

    ``str.isdigit`` alone also accepts digits like "²" that ``int()`` refuses.
    """
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if number <= MAX_ID else None


def back_url(request: HttpRequest, default_name: str) -> str:
    """The local ``next`` parameter, or the named page."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default_name)


def confirm_delete(request: HttpRequest, obj, back: str, on_delete=None) -> HttpResponseRedirect | object:
    """GET: a confirmation page; POST: delete and go back (refused with a message if it would lock
    every administrator out of the role-assignment page)."""
    if request.method == "POST":
        try:
            with keeping_assignment_reachable():
                (on_delete or obj.delete)()
        except AssignmentLockout as refusal:
            messages.error(request, refusal.messages[0])
        return redirect(back)
    return render(request, "rbac/delete.html", {"object": obj, "back": back})


def save_guarded(request: HttpRequest, form) -> bool:
    """``form.save()`` unless it would lock every administrator out: then a form error, and False."""
    try:
        with keeping_assignment_reachable():
            form.save()
    except AssignmentLockout as refusal:
        form.add_error(None, refusal)
        return False
    return True
