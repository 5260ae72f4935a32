from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "web"
    verbose_name = _("CRM")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # issue 16: an out-of-range id in an ``__in`` list matches nothing instead of a 500.
        from web import lookups

        lookups.register()
        # issue 16: each login's session is recorded (see and end sessions on the password page).
        from web import signals  # noqa: F401

        # issue 16: the audit trail (django-auditlog) of the sensitive models.
        from web.audit import register_models

        register_models()
