from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class StarkConfig(AppConfig):
    name = "stark"
    verbose_name = _("Generic CRUD")

    def ready(self) -> None:
        # Import every installed app's stark.py so its registrations run (like admin.py).
        autodiscover_modules("stark")
        from django.core import checks

        from stark.checks import check_registered_handlers

        checks.register(check_registered_handlers, checks.Tags.models)
