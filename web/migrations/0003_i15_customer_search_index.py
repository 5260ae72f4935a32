"""Fill the customer search index (stark.SearchGram, web/search.py) for the customers that exist."""

from django.db import migrations

#: Frozen here: the fields as they were when this migration was written (web/search.py may add more;
#: a later field is indexed for existing rows by its own migration or ``manage.py search_index --rebuild``).
FIELDS = {"name": 1, "qq": 3}


def build(apps, schema_editor):
    from stark.search_index import rebuild_table

    using = schema_editor.connection.alias
    rebuild_table(apps.get_model("web", "Customer"), apps.get_model("stark", "SearchGram"), FIELDS, using)


def drop(apps, schema_editor):
    from stark.search_index import field_key

    keys = [field_key("web.customer", field) for field in FIELDS]
    apps.get_model("stark", "SearchGram").objects.using(schema_editor.connection.alias).filter(field__in=keys).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0002_customer_payment_list_indexes"),
        ("stark", "0001_initial"),
    ]

    operations = [migrations.RunPython(build, drop)]
