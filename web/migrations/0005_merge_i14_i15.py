"""Join the branches of issue 14 (contacts, import), 15 (search index, filter indexes) 16 (sessions) and 18
(the consultant's pool guard row)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0003_i14_customer_contacts_import"),
        ("web", "0004_i15_customer_filter_indexes"),
        ("web", "0003_i16_user_session"),
        ("web", "0003_i18_consultant_pool_guard"),
    ]

    operations = []
