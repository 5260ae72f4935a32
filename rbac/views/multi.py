"""Batch permission entry: the project's URLs against the Permission table, as three editable formsets."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rbac.forms import MultiAddFormSet, MultiDeleteFormSet, MultiUpdateFormSet
from rbac.models import Permission
from rbac.services import discovery
from rbac.services.guard import AssignmentLockout, keeping_assignment_reachable
from rbac.views.common import parse_id

FIELDS = ("title", "name", "url", "menu", "parent")


def _initial(plan: discovery.SyncPlan) -> tuple[list[dict], list[dict], list[dict]]:
    to_add = [{"apply": True, "title": i.name, "name": i.name, "url": i.url} for i in plan.to_add]
    to_update = [
        {
            "apply": True,
            "id": row.pk,
            "title": row.title,
            "name": row.name,
            "url": item.url,
            "menu": row.menu_id,
            "parent": row.parent_id,
        }
        for row, item in plan.to_update
    ]
    to_delete = [{"apply": True, "id": row.pk} for row in plan.to_delete]
    return to_add, to_update, to_delete


def _attach_rows(*formsets) -> None:
    """Let the template show the stored row (old pattern, name) beside each update/delete form."""
    ids = set()
    for formset in formsets:
        for form in formset.forms:
            pk = parse_id(str(form["id"].value() or ""))
            if pk is not None:
                ids.add(pk)
    rows = Permission.objects.in_bulk(ids)
    for formset in formsets:
        for form in formset.forms:
            form.row = rows.get(parse_id(str(form["id"].value() or "")))


def _apply(add_set, update_set, delete_set) -> discovery.SyncResult:
    return discovery.permissions_apply(
        to_add=[{k: row[k] for k in FIELDS} for row in add_set.selected()],
        to_update=[{"id": row["id"].pk, **{k: row[k] for k in FIELDS}} for row in update_set.selected()],
        to_delete=[row["id"].pk for row in delete_set.selected()],
    )


def multi_permissions(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        add_set = MultiAddFormSet(request.POST, prefix="add")
        update_set = MultiUpdateFormSet(request.POST, prefix="update")
        delete_set = MultiDeleteFormSet(request.POST, prefix="delete")
        if add_set.is_valid() and update_set.is_valid() and delete_set.is_valid():
            try:
                with keeping_assignment_reachable():
                    result = _apply(add_set, update_set, delete_set)
            except AssignmentLockout as refusal:
                messages.error(request, refusal.messages[0])
                return redirect("rbac:multi_permissions")
            except IntegrityError:
                messages.error(request, _("Someone changed the permissions meanwhile; please review and submit again."))
                return redirect("rbac:multi_permissions")
            messages.success(
                request,
                _("Added %(added)d, updated %(updated)d, deleted %(deleted)d permissions.")
                % {"added": result.added, "updated": result.updated, "deleted": result.deleted},
            )
            return redirect("rbac:multi_permissions")
    else:
        to_add, to_update, to_delete = _initial(discovery.plan_sync())
        add_set = MultiAddFormSet(initial=to_add, prefix="add")
        update_set = MultiUpdateFormSet(initial=to_update, prefix="update")
        delete_set = MultiDeleteFormSet(initial=to_delete, prefix="delete")
    _attach_rows(update_set, delete_set)
    return render(
        request,
        "rbac/multi_permissions.html",
        {"add_set": add_set, "update_set": update_set, "delete_set": delete_set},
    )
