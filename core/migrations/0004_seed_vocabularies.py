"""Seed the vocabularies' aliases and coded terms, and let IP officers edit them."""

from django.db import migrations

from core.taxonomy import DISTRICT_ALIASES, INDUSTRY_ALIASES, VOCABULARY_TERMS

MODELS = ["district", "industry", "vocabularyterm"]
ACTIONS = {"add": "Can add", "change": "Can change", "view": "Can view", "delete": "Can delete"}


def seed(apps, schema_editor):
    District = apps.get_model("core", "District")
    Industry = apps.get_model("core", "Industry")
    VocabularyTerm = apps.get_model("core", "VocabularyTerm")
    for name, (name_en, aliases) in DISTRICT_ALIASES.items():
        District.objects.filter(name=name, aliases="").update(
            name_en=name_en, aliases="\n".join(aliases)
        )
    for name, (code, name_en, aliases) in INDUSTRY_ALIASES.items():
        Industry.objects.filter(name=name, aliases="").update(
            code=code, name_en=name_en, aliases="\n".join(aliases)
        )
    for order, (vocabulary, code, name, name_en, aliases, description) in enumerate(
        VOCABULARY_TERMS
    ):
        VocabularyTerm.objects.get_or_create(
            vocabulary=vocabulary,
            name=name,
            defaults={
                "code": code,
                "name_en": name_en,
                "aliases": "\n".join(aliases),
                "description": description,
                "sort_order": order,
            },
        )


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate, same codenames);
    # create ours now so that they can be assigned here.
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name="ip_officer")
    for model in MODELS:
        content_type, _ = ContentType.objects.get_or_create(app_label="core", model=model)
        verbose = apps.get_model("core", model)._meta.verbose_name
        for action, label in ACTIONS.items():
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"{label} {verbose}"},
            )
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_vocabulary_aliases"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
