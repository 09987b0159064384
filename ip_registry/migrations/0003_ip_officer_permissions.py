"""IP officers edit the register's snippets (enterprises, patents, designation types, targets)."""

from django.db import migrations

MODELS = ["enterprise", "patent", "designationtype", "designation", "indicatoryear"]
ACTIONS = {"add": "Can add", "change": "Can change", "view": "Can view"}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate, same codenames);
    # create ours now so that they can be assigned here.
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name="ip_officer")
    for model in MODELS:
        content_type, _ = ContentType.objects.get_or_create(app_label="ip_registry", model=model)
        verbose = apps.get_model("ip_registry", model)._meta.verbose_name
        for action, label in ACTIONS.items():
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"{label} {verbose}"},
            )
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("ip_registry", "0002_seed_types_and_targets"),
        ("core", "0002_seed_reference_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
