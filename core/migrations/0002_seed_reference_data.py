from django.db import migrations

from core.roles import STAFF_ROLES, Role
from core.taxonomy import DISTRICTS, INDUSTRIES


def seed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    District = apps.get_model("core", "District")
    Industry = apps.get_model("core", "Industry")
    Permission = apps.get_model("auth", "Permission")
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        if role in STAFF_ROLES:
            group.permissions.add(access_admin)
    for order, (name, code) in enumerate(DISTRICTS):
        District.objects.get_or_create(
            name=name, defaults={"division_code": code, "sort_order": order}
        )
    for order, (name, priority) in enumerate(INDUSTRIES):
        Industry.objects.get_or_create(
            name=name, defaults={"is_priority": priority, "sort_order": order}
        )


def create_homepage(apps, schema_editor):
    """Replace Wagtail's welcome page with the portal's home page (as Wagtail's own template does)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("core", "HomePage")
    Locale = apps.get_model("wagtailcore", "Locale")

    Page.objects.filter(depth=2, slug="home").delete()
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="core")
    locale = Locale.objects.first()
    home = HomePage.objects.create(
        title="盘锦科技成果交易与知识产权登记平台",
        draft_title="盘锦科技成果交易与知识产权登记平台",
        slug="home",
        content_type=content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        intro="<p>科技成果电子商务市场、技术合同网上登记与企业知识产权登记，一站办理。</p>",
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": home, "site_name": home.title},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(create_homepage, migrations.RunPython.noop),
    ]
