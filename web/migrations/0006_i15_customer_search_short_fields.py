"""Index every suffix of QQ, mobile and WeChat (web/search.py now indexes them from one character, not three).

A word shorter than a field's indexed minimum needs a plain LIKE on that field, which (OR-ed with the
name) read the whole table again for a two-character name search such as "张芳".
"""

from django.db import migrations

FIELDS = {"qq": 1, "mobile": 1, "wechat": 1}


def build(apps, schema_editor):
    from stark.search_index import rebuild_table

    using = schema_editor.connection.alias
    rebuild_table(apps.get_model("web", "Customer"), apps.get_model("stark", "SearchGram"), FIELDS, using)


def back_to_three(apps, schema_editor):
    from stark.search_index import rebuild_table

    using = schema_editor.connection.alias
    rebuild_table(apps.get_model("web", "Customer"), apps.get_model("stark", "SearchGram"), {"qq": 3, "mobile": 3, "wechat": 3}, using)


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0005_merge_i14_i15"),
    ]

    operations = [migrations.RunPython(build, back_to_three)]
