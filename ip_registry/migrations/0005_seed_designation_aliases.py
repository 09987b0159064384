"""Everyday spellings and English names of the designation types; officers edit profiles."""

from django.db import migrations

ALIASES = {
    "gs_tech": (
        "Above-scale technology enterprise",
        ["规上科技型企业", "规上科技企业", "规模以上科技企业", "规上企业", "above_scale_tech"],
    ),
    "high_tech": (
        "High-tech enterprise",
        ["高企", "国家高新技术企业", "国家级高新技术企业", "高新企业", "high_tech"],
    ),
    "little_giant": (
        "Little giant enterprise",
        ["科技小巨人", "科技小巨人企业", "小巨人", "little_giant"],
    ),
    "leader": (
        "Leading innovative enterprise",
        ["领军企业", "科技领军企业", "创新型领军", "leader"],
    ),
    "tech_sme": ("Technology-based SME", ["科技型中小", "科技中小企业", "tech_sme"]),
}


def seed(apps, schema_editor):
    DesignationType = apps.get_model("ip_registry", "DesignationType")
    for code, (name_en, aliases) in ALIASES.items():
        for designation_type in DesignationType.objects.filter(code=code):
            known = [
                a.strip() for a in designation_type.aliases.replace("；", "\n").split("\n")
            ]
            merged = [a for a in known if a] + [a for a in aliases if a not in known]
            designation_type.aliases = "\n".join(merged)
            designation_type.name_en = designation_type.name_en or name_en
            designation_type.save(update_fields=["aliases", "name_en"])


def grant(apps, schema_editor):
    # As in 0003: create the permissions now so that they can be assigned here.
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name="ip_officer")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="ip_registry", model="columnprofile"
    )
    for action, label in {
        "add": "Can add",
        "change": "Can change",
        "view": "Can view",
        "delete": "Can delete",
    }.items():
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_columnprofile",
            defaults={"name": f"{label} 列映射方案"},
        )
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("ip_registry", "0004_vocabulary_aliases_and_ceased_status"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
