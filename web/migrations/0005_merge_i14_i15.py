"""Join the branches of issue 14 (contacts, import), 15 (search index, filter indexes) and 16 (sessions)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0003_i14_customer_contacts_import"),
        ("web", "0004_i15_customer_filter_indexes"),
        ("web", "0003_i16_user_session"),
    ]

    operations = []
