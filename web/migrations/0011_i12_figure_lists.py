"""Issue 12: the demo roles of an existing database get the lists behind the dashboards' figures.

``manage.py seed_demo`` gives them to a new database (``web.demo.roles``); a database seeded
before gets here the same permissions (created if the URL discovery has not run yet), their menu
entries (when the demo menu exists) and the grants: operations the customers entered, the class
teacher their classes' talk records, the sales manager the team's follow-ups, the administrator
all three. Only roles and menus with the demo titles are touched; their users' ``rbac_version``
is bumped so every session reloads its permissions on the next request.
"""

from django.db import migrations
from django.db.models import F

#: URL name → (pattern, title, demo menu title, demo role titles).
LISTS = {
    "stark:web_customer_entered_list": ("/stark/web/customer/entered/list/", "录入的客户", "客户管理", ("运营",)),
    "stark:web_talkrecord_classes_list": ("/stark/web/talkrecord/classes/list/", "班级谈话记录", "教学", ("班主任",)),
    "stark:web_consultrecord_team_list": (
        "/stark/web/consultrecord/team/list/",
        "团队跟进记录",
        "客户管理",
        ("销售主管",),
    ),
}
ADMIN_ROLE = "管理员"


def _bump(apps, db, role_ids):
    UserInfo = apps.get_model("web", "UserInfo")
    if role_ids:
        UserInfo.objects.using(db).filter(roles__in=role_ids).update(rbac_version=F("rbac_version") + 1)


def grant(apps, schema_editor):
    Menu = apps.get_model("rbac", "Menu")
    Permission = apps.get_model("rbac", "Permission")
    Role = apps.get_model("rbac", "Role")
    db = schema_editor.connection.alias
    if not Role.objects.using(db).filter(title=ADMIN_ROLE).exists():
        return  # not a demo database: its roles are its administrator's
    touched = set()
    for name, (url, title, menu_title, role_titles) in LISTS.items():
        menu = Menu.objects.using(db).filter(title=menu_title).first()
        permission, created = Permission.objects.using(db).get_or_create(
            name=name, defaults={"url": url, "title": title, "menu": menu}
        )
        if not created and permission.menu_id is None and menu is not None:
            permission.menu, permission.parent, permission.title = menu, None, title
            permission.save(update_fields=["menu", "parent", "title"])
        for role in Role.objects.using(db).filter(title__in=(ADMIN_ROLE, *role_titles)):
            role.permissions.add(permission)
            touched.add(role.pk)
    _bump(apps, db, touched)


def revoke(apps, schema_editor):
    Permission = apps.get_model("rbac", "Permission")
    Role = apps.get_model("rbac", "Role")
    db = schema_editor.connection.alias
    permissions = list(Permission.objects.using(db).filter(name__in=LISTS))
    role_ids = list(Role.objects.using(db).filter(permissions__in=permissions).values_list("pk", flat=True).distinct())
    for role in Role.objects.using(db).filter(pk__in=role_ids):
        role.permissions.remove(*permissions)
    _bump(apps, db, role_ids)


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0010_merge_i13"),
        ("rbac", "0002_role_scopes"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
