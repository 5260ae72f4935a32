"""The registry of models shown through stark, and its URL wiring."""

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.urls import URLPattern, URLResolver, include, path

from stark.handlers import StarkHandler

#: Every StarkSite created, so the system checks see handlers of any site.
_sites: list["StarkSite"] = []


def all_sites() -> list["StarkSite"]:
    return list(_sites)


class StarkSite:
    """Models registered with their handler; ``site.urls`` is included once under ``stark/``."""

    def __init__(self, name: str = "stark") -> None:
        self.name = name
        self._registry: list[StarkHandler] = []
        _sites.append(self)

    def register(
        self,
        model: type[models.Model],
        handler_class: type[StarkHandler] | None = None,
        prefix: str | None = None,
        *,
        HandlerClass: type[StarkHandler] | None = None,  # noqa: N803 - the name the shared contract uses
    ) -> StarkHandler:
        """Register ``model``; register it again with another ``prefix`` for a second set of pages."""
        handler_class = handler_class or HandlerClass or StarkHandler
        if not issubclass(handler_class, StarkHandler):
            raise ImproperlyConfigured(f"{handler_class.__name__} must subclass stark.handlers.StarkHandler.")
        if prefix is not None and (not prefix or not prefix.isidentifier()):
            raise ImproperlyConfigured(f"prefix {prefix!r} must be a non-empty identifier, e.g. 'pub'.")
        if self.get_handler(model, prefix) is not None:
            raise ImproperlyConfigured(f"{model.__name__} is already registered with prefix {prefix!r}.")
        handler = handler_class(self, model, prefix)
        self._registry.append(handler)
        return handler

    def get_handler(self, model: type[models.Model], prefix: str | None = None) -> StarkHandler | None:
        """The handler registered for ``model`` and ``prefix``, if any."""
        for handler in self._registry:
            if handler.model is model and handler.prefix == prefix:
                return handler
        return None

    @property
    def handlers(self) -> list[StarkHandler]:
        return list(self._registry)

    def get_urls(self) -> list[URLPattern | URLResolver]:
        urls = []
        for handler in self._registry:
            opts = handler.model._meta
            stem = f"{opts.app_label}/{opts.model_name}/"
            if handler.prefix:
                stem += f"{handler.prefix}/"
            urls.append(path(stem, include(handler.get_urls())))
        return urls

    @property
    def urls(self) -> tuple[list, str, str]:
        return self.get_urls(), "stark", self.name


site = StarkSite()
