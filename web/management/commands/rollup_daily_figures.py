"""Rebuild or verify the daily roll-up of the manager's funnel (issue 12; web/services/figures.py).

The services keep it in step with every change; rebuild it after writing customers or events
around them (raw SQL seeding, a restore) and verify it whenever in doubt.
"""

from django.core.management.base import BaseCommand, CommandError

from web.services.figures import figures_rebuild, figures_verify

#: Differences printed by --verify; the rest are counted.
SHOWN = 20


class Command(BaseCommand):
    help = (
        "Rebuild the daily figures of the sales manager's dashboard from the customers and their events, "
        "or with --verify compare them with the live counts (exit status 1 when they differ)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--verify", action="store_true", help="Only compare; change nothing.")

    def handle(self, *args, verify: bool = False, **options) -> None:
        if not verify:
            rows = figures_rebuild()
            self.stdout.write(f"daily figures rebuilt: {rows} rows")
            return
        differences = figures_verify()
        if not differences:
            self.stdout.write("daily figures agree with the live counts")
            return
        for (kind, day, source, consultant), stored, live in differences[:SHOWN]:
            self.stdout.write(f"{day} {kind} {source} consultant {consultant}: stored {stored}, live {live}")
        if len(differences) > SHOWN:
            self.stdout.write(f"... and {len(differences) - SHOWN} more")
        raise CommandError(f"{len(differences)} daily figures differ from the live counts; run rollup_daily_figures")
