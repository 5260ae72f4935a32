"""Join the two branches of issue 14 (contacts, import) and issue 15 (search index, filter indexes)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0003_i14_customer_contacts_import"),
        ("web", "0004_i15_customer_filter_indexes"),
    ]

    operations = []
