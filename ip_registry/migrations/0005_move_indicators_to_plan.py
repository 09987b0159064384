"""The plan's indicators moved to the plan monitor (plan/ copies the rows first: run_before)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ip_registry", "0004_rd_institutions_and_spending")]

    operations = [
        migrations.DeleteModel(name="IndicatorYear"),
        migrations.DeleteModel(name="Indicator"),
    ]
