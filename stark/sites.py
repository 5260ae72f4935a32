"""The registry of models shown through stark, and its URL wiring.

Placeholder until the stark issue: registration only, no pages yet.
"""

from django.urls import URLPattern, URLResolver


class StarkSite:
    def __init__(self, name: str = "stark") -> None:
        self.name = name
        self._registry: list = []

    def get_urls(self) -> list[URLPattern | URLResolver]:
        return []

    @property
    def urls(self) -> tuple[list, str, str]:
        return self.get_urls(), "stark", self.name


site = StarkSite()
