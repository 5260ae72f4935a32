from django.urls import path

from rbac.views import distribute, menus, multi, roles

app_name = "rbac"
urlpatterns = [
    path("menu/list/", menus.menu_list, name="menu_list"),
    path("menu/add/", menus.menu_add, name="menu_add"),
    path("menu/<int:pk>/change/", menus.menu_change, name="menu_change"),
    path("menu/<int:pk>/delete/", menus.menu_delete, name="menu_delete"),
    path("permission/add/", menus.permission_add, name="permission_add"),
    path("permission/<int:pk>/change/", menus.permission_change, name="permission_change"),
    path("permission/<int:pk>/delete/", menus.permission_delete, name="permission_delete"),
    path("multi/permissions/", multi.multi_permissions, name="multi_permissions"),
    path("role/list/", roles.role_list, name="role_list"),
    path("role/add/", roles.role_add, name="role_add"),
    path("role/<int:pk>/change/", roles.role_change, name="role_change"),
    path("role/<int:pk>/delete/", roles.role_delete, name="role_delete"),
    path("distribute/permissions/", distribute.distribute_permissions, name="distribute_permissions"),
]
