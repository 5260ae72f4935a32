"""Recovery when nobody can open the role-assignment page: give one user the rbac pages again."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from rbac.services.assignment import admin_grant


class Command(BaseCommand):
    help = (
        "Give USERNAME a role holding every rbac page (menus, permissions, roles, assignment), "
        "re-activating the user if needed. The documented way back in after an administrator lock-out."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--role",
            default=getattr(settings, "RBAC_RECOVERY_ROLE", "Administrator"),
            help="Title of the role to give (created if missing; default: settings.RBAC_RECOVERY_ROLE).",
        )

    def handle(self, *args, username: str, role: str, **options):
        users = get_user_model()._default_manager
        try:
            user = users.get(**{users.model.USERNAME_FIELD: username})
        except users.model.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc
        result = admin_grant(user=user, role_title=role)
        self.stdout.write(
            self.style.SUCCESS(
                f"{username} now holds the role {result.role.title!r} "
                f"({'created; ' if result.role_created else ''}{result.permissions_added} rbac permissions added"
                f"{'; user re-activated' if result.reactivated else ''}). "
                "They can open the role-assignment page after logging in."
            )
        )
