"""Join issue 12's migrations (customer events, follow-up dates, notifications, dashboard indexes) to the rest."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0005_merge_i14_i15"),
        ("web", "0005_i12_dashboard_indexes"),
    ]

    operations = []
