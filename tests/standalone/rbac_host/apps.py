from django.apps import AppConfig


class RbacHostConfig(AppConfig):
    name = "tests.standalone.rbac_host"
    label = "rbac_host"
    default_auto_field = "django.db.models.BigAutoField"
