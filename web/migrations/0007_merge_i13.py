"""Join issue 13's migrations (decision reasons, the name's pinyin sort key) and issue 15's last to the rest."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0006_merge_i12"),
        ("web", "0004_i13_customer_name_pinyin"),
        ("web", "0006_i15_customer_search_short_fields"),
    ]

    operations = []
