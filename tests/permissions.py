"""Give a test user permissions (rbac URL names) the way an administrator would.

Every test that logs a user in and opens a protected page grants exactly the URL
names that page needs, so tests keep passing once the rbac middleware enforces them.
"""

from rbac.models import Permission, Role


def grant_permissions(user, *url_names: str, role_title: str | None = None, scope: str | None = None) -> Role:
    """Add ``url_names`` (e.g. "stark:web_school_list") to a role held by ``user``.

    ``scope`` sets the role's data scope ("all" by default, as for a new role): a class teacher's
    role is "own", as the demo role's (web.demo.roles.ROLE_SCOPES).
    """
    role, _created = Role.objects.get_or_create(title=role_title or f"role of {user.username}")
    if scope is not None and role.scope != scope:
        role.scope = scope
        role.save(update_fields=["scope"])
    for name in url_names:
        permission, _created = Permission.objects.get_or_create(name=name, defaults={"title": name})
        role.permissions.add(permission)
    user.roles.add(role)
    # rbac's signals bumped user.rbac_version, so the change applies on the user's next request.
    user.refresh_from_db(fields=["rbac_version"])
    return role
