from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """Test-only models covering every field kind stark renders, filters and edits."""

    name = "tests.stark.testapp"
    label = "testapp"
    default_auto_field = "django.db.models.BigAutoField"
