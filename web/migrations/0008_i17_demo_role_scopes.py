"""Issue 17: the demo roles of an existing database get the data scopes of today's pages.

Before data scopes, consultants and class teachers saw their own rows by a rule written in the
pages, and the sales manager saw every customer. Those rules are now the roles' scopes
(``web.demo.roles.ROLE_SCOPES``): a database seeded before keeps showing the same rows. Only
roles still on the default scope ("all") are changed, and their users' ``rbac_version`` is
bumped so every session reloads its permissions and scopes on the next request.
"""

from django.db import migrations
from django.db.models import F

#: The demo roles (web.demo.roles) whose scope was a rule of the pages before.
SCOPES = {"课程顾问": "own", "班主任": "own", "销售主管": "department"}


def _move(apps, schema_editor, changes):
    """Apply ``(title, from scope, to scope)`` changes, bumping the version stamp of each role's users."""
    Role = apps.get_model("rbac", "Role")
    UserInfo = apps.get_model("web", "UserInfo")
    db = schema_editor.connection.alias
    for title, old, new in changes:
        ids = list(Role.objects.using(db).filter(title=title, scope=old).values_list("pk", flat=True))
        if ids:
            Role.objects.using(db).filter(pk__in=ids).update(scope=new)
            UserInfo.objects.using(db).filter(roles__in=ids).update(rbac_version=F("rbac_version") + 1)


def set_scopes(apps, schema_editor):
    _move(apps, schema_editor, [(title, "all", scope) for title, scope in SCOPES.items()])


def unset_scopes(apps, schema_editor):
    _move(apps, schema_editor, [(title, scope, "all") for title, scope in SCOPES.items()])


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0007_merge_i13"),
        ("rbac", "0002_role_scopes"),
    ]

    operations = [migrations.RunPython(set_scopes, unset_scopes)]
