"""R&D institutions and R&D spending on the enterprise register; IP officers edit them."""

import django.db.models.deletion
from django.db import migrations, models


ACTIONS = {"add": "Can add", "change": "Can change", "view": "Can view", "delete": "Can delete"}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name="ip_officer")
    for model in ("rdinstitution", "rdexpenditure"):
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
        ('ip_registry', '0003_ip_officer_permissions'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='RDExpenditure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('rd_expense', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='研发经费支出（万元）')),
                ('revenue', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='销售收入（万元）')),
                ('source', models.CharField(blank=True, max_length=200, verbose_name='来源')),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rd_expenditures', to='ip_registry.enterprise', verbose_name='企业')),
            ],
            options={
                'verbose_name': '企业研发投入',
                'verbose_name_plural': '企业研发投入',
                'ordering': ['enterprise', '-year'],
            },
        ),
        migrations.CreateModel(
            name='RDInstitution',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='机构名称')),
                ('kind', models.CharField(choices=[('engineering_center', '工程技术研究中心'), ('enterprise_center', '企业技术中心'), ('key_lab', '重点实验室'), ('research_institute', '产业技术研究院/新型研发机构'), ('academician_station', '院士工作站'), ('postdoc_station', '博士后科研工作站'), ('other', '其他研发机构')], max_length=30, verbose_name='类型')),
                ('level', models.CharField(choices=[('national', '国家级'), ('provincial', '省级'), ('municipal', '市级'), ('enterprise', '企业自建')], max_length=20, verbose_name='级别')),
                ('year', models.PositiveSmallIntegerField(verbose_name='认定/建立年度')),
                ('until_year', models.PositiveSmallIntegerField(blank=True, help_text='撤销或未通过评估的年度；该年起不再计入。', null=True, verbose_name='撤销年度')),
                ('source', models.CharField(blank=True, max_length=200, verbose_name='来源')),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rd_institutions', to='ip_registry.enterprise', verbose_name='企业')),
            ],
            options={
                'verbose_name': '企业研发机构',
                'verbose_name_plural': '企业研发机构',
                'ordering': ['enterprise', '-year', 'name'],
            },
        ),
        migrations.AddConstraint(
            model_name='rdexpenditure',
            constraint=models.UniqueConstraint(fields=('enterprise', 'year'), name='unique_rd_expenditure'),
        ),
        migrations.AddIndex(
            model_name='rdinstitution',
            index=models.Index(fields=['enterprise', 'year'], name='ip_registry_enterpr_8473d8_idx'),
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
