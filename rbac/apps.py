from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RbacConfig(AppConfig):
    name = "rbac"
    verbose_name = _("Access control")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rbac import checks, signals  # noqa: F401 - importing checks registers them

        signals.connect()
