"""Demo roles, menus and permissions (DESIGN §5).

Permissions come from the URLconf (rbac's discovery), so every page of the project is a
permission; this module only titles them in Chinese, groups them under menus, and gives
each demo role exactly the URL names DESIGN §5 lists for it.
"""

from dataclasses import dataclass

from rbac.models import Menu, Permission, Role, Scope
from rbac.services.discovery import permissions_sync
from rbac.signals import bulk_changes
from web.models import UserInfo


@dataclass(frozen=True)
class MenuSpec:
    title: str
    icon: str
    order: int
    #: (URL name, title) of the menu's entries, in display order.
    entries: tuple[tuple[str, str], ...]


MENUS = (
    MenuSpec(
        "客户管理",
        "fa-users",
        10,
        (
            ("stark:web_customer_pub_list", "公户客户"),
            ("stark:web_customer_priv_list", "我的客户"),
            ("stark:web_customer_all_list", "全部客户"),
            # issue 12: the lists behind the operations' and the sales manager's figures
            ("stark:web_customer_entered_list", "录入的客户"),
            ("stark:web_consultrecord_team_list", "团队跟进记录"),
        ),
    ),
    MenuSpec("财务", "fa-jpy", 20, (("stark:web_paymentrecord_check_list", "缴费审批"),)),
    MenuSpec(
        "教学",
        "fa-graduation-cap",
        30,
        (
            ("stark:web_classlist_list", "班级"),
            ("stark:web_student_list", "学员"),
            ("stark:web_talkrecord_classes_list", "班级谈话记录"),  # issue 12
            ("stark:web_classchange_check_list", "转班/留级审批"),
        ),
    ),
    MenuSpec(
        "基础数据",
        "fa-database",
        40,
        (
            ("stark:web_school_list", "校区"),
            ("stark:web_department_list", "部门"),
            ("stark:web_userinfo_list", "员工"),
            ("stark:web_course_list", "课程"),
        ),
    ),
    MenuSpec(
        "权限管理",
        "fa-lock",
        50,
        (
            ("rbac:menu_list", "菜单与权限"),
            ("rbac:role_list", "角色"),
            ("rbac:distribute_permissions", "权限分配"),
            ("rbac:multi_permissions", "批量权限录入"),
            # issue 16: security pages
            ("stark:axes_accessattempt_list", "登录锁定"),
            ("stark:auditlog_logentry_list", "审计日志"),
        ),
    ),
)

#: What each URL-name stem is about, longest first when matching (see `_stem`).
STEM_TITLES = {
    "stark:web_school": "校区",
    "stark:web_department": "部门",
    "stark:web_userinfo": "员工",
    "stark:web_course": "课程",
    "stark:web_classlist": "班级",
    "stark:web_customer_pub": "公户客户",
    "stark:web_customer_priv": "我的客户",
    "stark:web_customer_all": "全部客户",
    "stark:web_customer_entered": "录入的客户",
    "stark:web_consultrecord_team": "团队跟进记录",
    "stark:web_talkrecord_classes": "班级谈话记录",
    "stark:web_consultrecord": "跟进记录",
    "stark:web_paymentrecord_check": "缴费审批",
    "stark:web_paymentrecord": "缴费申请",
    "stark:web_student": "学员",
    "stark:web_scorerecord": "积分记录",
    "stark:web_courserecord": "上课记录",
    "stark:web_talkrecord": "谈话记录",
    "stark:web_classchange_check": "转班/留级审批",
    "stark:web_classchange": "转班/留级申请",
    "rbac:menu": "菜单",
    "rbac:permission": "权限",
    "rbac:role": "角色",
    # issue 16
    "stark:axes_accessattempt": "登录锁定",
    "stark:auditlog_logentry": "审计日志",
}
ACTION_TITLES = {
    "list": "列表",
    "add": "添加",
    "change": "编辑",
    "delete": "删除",
    "export": "导出",
    "import": "导入",
    "record": "跟进记录",
    "reset_pwd": "重置密码",
    "attendance": "批量考勤",
    "multi_delete": "批量删除",
    "multi_claim": "批量认领",
    "multi_assign": "分配给顾问",
    "multi_release": "移入公户",
    "multi_confirm": "批量确认",
    "multi_reject": "批量驳回",
    "multi_init": "生成考勤",
    # issue 16
    "multi_unlock": "解锁",
    # issue 12: the customer page
    "detail": "客户详情",
    "customer": "客户详情",
    "multi_reassign": "转给其他顾问",
}
#: The menu entry a page belongs under, by stem, when it is not "<stem>_list".
PARENT_BY_STEM = {
    "stark:web_consultrecord": "stark:web_customer_priv_list",
    "stark:web_paymentrecord": "stark:web_customer_priv_list",
    "stark:web_scorerecord": "stark:web_student_list",
    "stark:web_talkrecord": "stark:web_student_list",
    "stark:web_classchange": "stark:web_student_list",
    "stark:web_courserecord": "stark:web_classlist_list",
    "rbac:menu": "rbac:menu_list",
    "rbac:permission": "rbac:menu_list",
}

CUSTOMER_PUB = "stark:web_customer_pub"
CUSTOMER_PRIV = "stark:web_customer_priv"

#: DESIGN §5: the URL names each demo role may use. The administrator holds every permission.
ADMIN_ROLE = "管理员"
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "销售主管": (
        f"{CUSTOMER_PUB}_list",
        f"{CUSTOMER_PUB}_record",
        f"{CUSTOMER_PUB}_multi_assign",
        "stark:web_customer_all_list",
        "stark:web_customer_all_export",  # issue 14
        # issue 12
        "stark:web_customer_all_detail",
        # issue 13: reassignment and read-only follow-ups from the all-customers list
        "stark:web_customer_all_multi_reassign",
        "stark:web_customer_all_record",
        # issue 12: the follow-ups behind the load table's figures
        "stark:web_consultrecord_team_list",
    ),
    "课程顾问": (
        f"{CUSTOMER_PUB}_list",
        f"{CUSTOMER_PUB}_record",
        f"{CUSTOMER_PUB}_multi_claim",
        f"{CUSTOMER_PRIV}_list",
        f"{CUSTOMER_PRIV}_add",
        f"{CUSTOMER_PRIV}_change",
        f"{CUSTOMER_PRIV}_multi_release",
        "stark:web_consultrecord_list",
        "stark:web_consultrecord_add",
        "stark:web_consultrecord_change",
        "stark:web_consultrecord_delete",
        "stark:web_paymentrecord_list",
        "stark:web_paymentrecord_add",
        f"{CUSTOMER_PRIV}_export",  # issue 14
        # issue 12
        f"{CUSTOMER_PRIV}_detail",
    ),
    "运营": (
        f"{CUSTOMER_PUB}_list",
        f"{CUSTOMER_PUB}_add",
        f"{CUSTOMER_PUB}_change",
        f"{CUSTOMER_PUB}_record",
        f"{CUSTOMER_PUB}_export",  # issue 14
        f"{CUSTOMER_PUB}_import",  # issue 14
        "stark:web_customer_entered_list",  # issue 12: the customers behind the dashboard's figures
    ),
    "财务": (
        "stark:web_paymentrecord_check_list",
        "stark:web_paymentrecord_check_multi_confirm",
        "stark:web_paymentrecord_check_multi_reject",
        "stark:web_student_list",
        "stark:web_paymentrecord_check_export",  # issue 14
        # issue 12
        "stark:web_paymentrecord_check_customer",
    ),
    "班主任": (
        "stark:web_classlist_list",
        "stark:web_student_list",
        "stark:web_student_change",
        "stark:web_scorerecord_list",
        "stark:web_scorerecord_add",
        "stark:web_talkrecord_list",
        "stark:web_talkrecord_add",
        "stark:web_talkrecord_change",
        "stark:web_classchange_list",
        "stark:web_classchange_add",
        "stark:web_courserecord_list",
        "stark:web_courserecord_add",
        "stark:web_courserecord_change",
        "stark:web_courserecord_delete",
        "stark:web_courserecord_multi_init",
        "stark:web_courserecord_attendance",
        "stark:web_student_export",  # issue 14
        "stark:web_talkrecord_classes_list",  # issue 12: the talks behind the dashboard's figure
    ),
}
#: Each demo role's data scope (issue 17), matching what the pages showed before scopes: a
#: consultant and a class teacher see their own rows, the sales manager the sales department's
#: (with the public pool), the others every row.
ROLE_SCOPES = {
    ADMIN_ROLE: Scope.ALL,
    "销售主管": Scope.DEPARTMENT,
    "课程顾问": Scope.OWN,
    "运营": Scope.ALL,
    "财务": Scope.ALL,
    "班主任": Scope.OWN,
}
USER_ROLES = {
    "admin": ADMIN_ROLE,
    "manager1": "销售主管",
    "consultant1": "课程顾问",
    "consultant2": "课程顾问",
    "ops1": "运营",
    "finance1": "财务",
    "teacher1": "班主任",
    "teacher2": "班主任",
}


def _stem(name: str) -> str | None:
    for stem in sorted(STEM_TITLES, key=len, reverse=True):
        if name.startswith(stem + "_"):
            return stem
    return None


def permission_title(name: str) -> str:
    """A Chinese title for a URL name, e.g. stark:web_customer_pub_add → 公户客户 · 添加."""
    for spec in MENUS:
        for entry_name, title in spec.entries:
            if entry_name == name:
                return title
    stem = _stem(name)
    if stem is None:
        return name
    action = name[len(stem) + 1 :]
    return f"{STEM_TITLES[stem]} · {ACTION_TITLES.get(action, action)}"


def permission_parent(name: str, entries: dict[str, Permission]) -> Permission | None:
    """The menu entry a non-entry page belongs under (its breadcrumb and active menu item)."""
    stem = _stem(name)
    if stem is None:
        return None
    parent_name = PARENT_BY_STEM.get(stem, f"{stem}_list")
    return entries.get(parent_name)


def seed_menus_and_permissions() -> dict[str, Permission]:
    """Discover every URL into a permission, title it, and place it in the menus."""
    permissions_sync()
    permissions = {p.name: p for p in Permission.objects.all()}
    entries: dict[str, Permission] = {}
    for spec in MENUS:
        menu, _created = Menu.objects.update_or_create(
            title=spec.title, defaults={"icon": spec.icon, "order": spec.order}
        )
        for entry_name, _title in spec.entries:
            if entry_name in permissions:
                entries[entry_name] = permissions[entry_name]
                permissions[entry_name].menu = menu
    for name, permission in permissions.items():
        permission.title = permission_title(name)
        if name not in entries:
            permission.menu = None
            permission.parent = permission_parent(name, entries)
        else:
            permission.parent = None
    Permission.objects.bulk_update(permissions.values(), ["title", "menu", "parent"])
    return permissions


def seed_roles(*, users: dict[str, UserInfo], **options) -> None:
    with bulk_changes():
        permissions = seed_menus_and_permissions()
        roles = {}
        admin, _created = Role.objects.get_or_create(title=ADMIN_ROLE)
        admin.permissions.set(permissions.values())
        roles[ADMIN_ROLE] = admin
        for title, names in ROLE_PERMISSIONS.items():
            role, _created = Role.objects.get_or_create(title=title)
            role.permissions.set([permissions[name] for name in names if name in permissions])
            roles[title] = role
        for title, role in roles.items():
            if role.scope != ROLE_SCOPES[title]:
                role.scope = ROLE_SCOPES[title]
                role.save(update_fields=["scope"])
        for username, role_title in USER_ROLES.items():
            if username in users:
                users[username].roles.set([roles[role_title]])
