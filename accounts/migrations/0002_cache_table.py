from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    """allauth's sign-up, reset and login rate limits count in the database cache
    (settings.CACHES), shared by every worker; `migrate` alone sets it up."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
