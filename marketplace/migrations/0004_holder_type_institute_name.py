"""One name for research institutes everywhere: the holder type says 科研院所, like the
organisation type, so search facets no longer list both 院所 and 科研院所."""

from django.db import migrations


def rename(apps, schema_editor, old="院所", new="科研院所"):
    HolderType = apps.get_model("marketplace", "HolderType")
    HolderType.objects.filter(code="institute", name=old).update(name=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old="科研院所", new="院所")


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0003_listing_english")]

    operations = [migrations.RunPython(rename, rename_back)]
