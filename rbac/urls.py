from django.urls import path

from rbac.decorators import permission_required
from rbac.views import distribute, menus, multi, roles

app_name = "rbac"
# Every page checks login and its own permission itself, with or without RbacMiddleware.
urlpatterns = [
    path("menu/list/", permission_required(menus.menu_list), name="menu_list"),
    path("menu/add/", permission_required(menus.menu_add), name="menu_add"),
    path("menu/<int:pk>/change/", permission_required(menus.menu_change), name="menu_change"),
    path("menu/<int:pk>/delete/", permission_required(menus.menu_delete), name="menu_delete"),
    path("permission/add/", permission_required(menus.permission_add), name="permission_add"),
    path("permission/<int:pk>/change/", permission_required(menus.permission_change), name="permission_change"),
    path("permission/<int:pk>/delete/", permission_required(menus.permission_delete), name="permission_delete"),
    path("multi/permissions/", permission_required(multi.multi_permissions), name="multi_permissions"),
    path("role/list/", permission_required(roles.role_list), name="role_list"),
    path("role/add/", permission_required(roles.role_add), name="role_add"),
    path("role/<int:pk>/change/", permission_required(roles.role_change), name="role_change"),
    path("role/<int:pk>/delete/", permission_required(roles.role_delete), name="role_delete"),
    path(
        "distribute/permissions/", permission_required(distribute.distribute_permissions), name="distribute_permissions"
    ),
]
