"""Sync the project's named URLs into rbac permissions, without the UI."""

from django.core.management.base import BaseCommand

from rbac.services import discovery


class Command(BaseCommand):
    help = "Add permissions for new named URLs, update changed patterns, delete permissions of removed URLs."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print the three sets and change nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        plan = discovery.plan_sync()
        self.stdout.write(f"To add ({len(plan.to_add)}):")
        for item in plan.to_add:
            self.stdout.write(f"  + {item.name}  {item.url}")
        self.stdout.write(f"To update ({len(plan.to_update)}):")
        for row, item in plan.to_update:
            self.stdout.write(f"  ~ {row.name}  {row.url} -> {item.url}")
        self.stdout.write(f"To delete ({len(plan.to_delete)}):")
        for row in plan.to_delete:
            self.stdout.write(f"  - {row.name}  {row.url}")
        if dry_run:
            self.stdout.write("Dry run: nothing changed.")
            return
        result = discovery.permissions_sync()
        self.stdout.write(
            self.style.SUCCESS(f"Added {result.added}, updated {result.updated}, deleted {result.deleted}.")
        )
