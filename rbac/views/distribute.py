"""Assignment: a user's roles and a role's permissions, grouped menu → entry → page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from rbac.forms import AssignmentForm, users_queryset
from rbac.models import Menu, Permission, Role
from rbac.services.assignment import assignment_save
from rbac.services.guard import AssignmentLockout
from rbac.views.common import parse_id


def _selected(request: HttpRequest, key: str, queryset):
    value = request.GET.get(key)
    if not value:
        return None
    pk = parse_id(value)
    if pk is None:
        raise Http404
    return get_object_or_404(queryset, pk=pk)


def permission_tree() -> tuple[list[dict], list[Permission]]:
    """Menus with their entries and each entry's pages; and the permissions in no menu."""
    permissions = list(Permission.objects.order_by("id"))
    children: dict[int, list[Permission]] = {}
    for perm in permissions:
        if perm.parent_id and not perm.menu_id:
            children.setdefault(perm.parent_id, []).append(perm)
    entry_ids = {p.pk for p in permissions if p.menu_id}
    tree = []
    for menu in Menu.objects.all():
        entries = [{"permission": p, "children": children.get(p.pk, [])} for p in permissions if p.menu_id == menu.pk]
        tree.append({"menu": menu, "entries": entries})
    loose = [p for p in permissions if not p.menu_id and p.parent_id not in entry_ids]
    return tree, loose


def distribute_permissions(request: HttpRequest) -> HttpResponse:
    user = _selected(request, "uid", users_queryset())
    role = _selected(request, "rid", Role.objects.all())
    form = AssignmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (user or role) and form.is_valid():
        try:
            assignment_save(
                user=user,
                roles=form.cleaned_data["roles"] if user else None,
                role=role,
                permissions=form.cleaned_data["permissions"] if role else None,
            )
        except AssignmentLockout as refusal:
            form.add_error(None, refusal)
            messages.error(request, refusal.messages[0])
        else:
            messages.success(request, _("Saved."))
            return redirect(request.get_full_path())
    if form.is_bound:
        user_role_ids = {str(v) for v in form["roles"].value() or []}
        role_permission_ids = {str(v) for v in form["permissions"].value() or []}
    else:
        user_role_ids = {str(pk) for pk in user.roles.values_list("pk", flat=True)} if user else set()
        role_permission_ids = {str(pk) for pk in role.permissions.values_list("pk", flat=True)} if role else set()
    tree, loose = permission_tree() if role else ([], [])
    return render(
        request,
        "rbac/distribute_permissions.html",
        {
            "form": form,
            "users": users_queryset(),
            "roles": Role.objects.all(),
            "selected_user": user,
            "selected_role": role,
            "user_role_ids": user_role_ids,
            "role_permission_ids": role_permission_ids,
            "tree": tree,
            "loose": loose,
        },
    )
