"""Seed the market taxonomies, create /market/ and its moderation workflow."""

from django.db import migrations

from marketplace.taxonomy import COOPERATION_MODES, HOLDER_TYPES

TREEBEARD_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MODERATOR_GROUP = "market_moderator"
PAGE_PERMISSIONS = [
    ("add_page", "Can add page"),
    ("change_page", "Can change page"),
    ("publish_page", "Publish any page"),
]


def _next_child_path(Page, parent):
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    step = last[-4:] if last else "0000"
    number = int(step, 36) + 1
    digits = ""
    for _ in range(4):
        number, rest = divmod(number, 36)
        digits = TREEBEARD_ALPHABET[rest] + digits
    return parent.path + digits


def seed(apps, schema_editor):
    CooperationMode = apps.get_model("marketplace", "CooperationMode")
    HolderType = apps.get_model("marketplace", "HolderType")
    for order, (code, name, aliases) in enumerate(COOPERATION_MODES):
        CooperationMode.objects.get_or_create(
            code=code, defaults={"name": name, "aliases": aliases, "sort_order": order}
        )
    for order, (code, name) in enumerate(HOLDER_TYPES):
        HolderType.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})

    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("core", "HomePage")
    MarketIndexPage = apps.get_model("marketplace", "MarketIndexPage")
    home = HomePage.objects.order_by("path").first()
    if home is None:
        return
    index = MarketIndexPage.objects.first()
    if index is None:
        content_type, _ = ContentType.objects.get_or_create(
            model="marketindexpage", app_label="marketplace"
        )
        index = MarketIndexPage.objects.create(
            title="技术市场",
            draft_title="技术市场",
            slug="market",
            content_type=content_type,
            path=_next_child_path(Page, home),
            depth=home.depth + 1,
            numchild=0,
            url_path=f"{home.url_path}market/",
            locale_id=home.locale_id,
            intro="<p>盘锦科技成果与技术需求：按行业、成熟度、合作方式筛选，在线询价洽谈。</p>",
        )
        Page.objects.filter(pk=home.pk).update(numchild=home.numchild + 1)

    # Listings go through one approval step by the market moderators.
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    moderators, _ = Group.objects.get_or_create(name=MODERATOR_GROUP)
    task_type, _ = ContentType.objects.get_or_create(
        model="groupapprovaltask", app_label="wagtailcore"
    )
    task = GroupApprovalTask.objects.filter(name="市场审核员审核").first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name="市场审核员审核", content_type=task_type, active=True
        )
    task.groups.add(moderators)
    workflow, _ = Workflow.objects.get_or_create(name="技术市场挂牌审核", defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page_id=index.pk, defaults={"workflow": workflow})

    page_type, _ = ContentType.objects.get_or_create(model="page", app_label="wagtailcore")
    for codename, name in PAGE_PERMISSIONS:
        permission, _ = Permission.objects.get_or_create(
            content_type=page_type, codename=codename, defaults={"name": name}
        )
        GroupPagePermission.objects.get_or_create(
            group=moderators, page_id=index.pk, permission=permission
        )


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0001_initial"),
        ("core", "0002_seed_reference_data"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
