"""The plan monitor's tables."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
import core.storage
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('core', '0002_seed_reference_data'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RDRequirement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('designation_codes', models.CharField(blank=True, help_text='逗号分隔；留空适用于所有企业。', max_length=100, verbose_name='适用认定类型代码')),
                ('min_share', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='最低研发投入占销售收入比重（%）')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='依据')),
            ],
            options={
                'verbose_name': '研发投入要求',
                'verbose_name_plural': '研发投入要求',
                'ordering': ['year', 'designation_codes'],
            },
        ),
        migrations.CreateModel(
            name='Department',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='代码')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='名称')),
                ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='排序')),
                ('members', models.ManyToManyField(blank=True, related_name='plan_departments', to=settings.AUTH_USER_MODEL, verbose_name='填报人员')),
            ],
            options={
                'verbose_name': '牵头单位',
                'verbose_name_plural': '牵头单位',
                'ordering': ['sort_order', 'name'],
            },
        ),
        migrations.CreateModel(
            name='Indicator',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='代码')),
                ('name', models.CharField(max_length=100, verbose_name='指标')),
                ('unit', models.CharField(blank=True, max_length=20, verbose_name='单位')),
                ('task', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MaxValueValidator(24)], verbose_name='计划任务序号')),
                ('responsible', models.CharField(blank=True, default='各县区政府、各功能区管委会', max_length=200, verbose_name='责任单位')),
                ('source', models.CharField(choices=[('computed', '系统计算'), ('reported', '部门填报')], max_length=20, verbose_name='数据来源')),
                ('computation', models.CharField(blank=True, choices=[('patent_coverage', '规上科技型企业专利覆盖率'), ('invention_applications', '发明专利申请量'), ('designation_total', '当年认定企业数'), ('designation_new', '当年新认定企业数'), ('rd_institution_share', '建有研发机构的规上科技型企业比例'), ('rd_sales_ratio', '研发投入占销售收入比重'), ('contracts_count', '技术合同登记数'), ('contracts_total', '技术合同成交额'), ('contracts_technical', '技术交易额'), ('market_deals', '技术市场成交数'), ('market_deal_value', '技术市场成交额')], max_length=40, verbose_name='计算方法')),
                ('designation_codes', models.CharField(blank=True, help_text='按认定类型计算的指标使用，多个以逗号分隔（如 high_tech,little_giant）。', max_length=100, verbose_name='认定类型代码')),
                ('direction', models.CharField(choices=[('at_least', '不低于'), ('at_most', '不高于')], default='at_least', max_length=10, verbose_name='方向')),
                ('measure', models.CharField(choices=[('level', '存量/比例（年末水平）'), ('annual', '年度累计量（当年从零累计）')], default='level', max_length=10, verbose_name='口径')),
                ('interpolate', models.BooleanField(default=True, help_text='两个目标年度之间的年度按直线插值得到进度目标。', verbose_name='按计划路径插值')),
                ('carry_forward', models.BooleanField(default=True, help_text='2019 年以后按最后一个目标考核。', verbose_name='计划期后延续最后目标')),
                ('district_assessed', models.BooleanField(default=False, help_text='在区县考核记分表中计分。', verbose_name='纳入区县考核')),
                ('districts_share_city_target', models.BooleanField(default=False, help_text='比例类指标：未单独分解的区县按全市目标考核。', verbose_name='区县沿用全市目标')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='说明')),
                ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='排序')),
                ('lead_department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='indicators', to='plan.department', verbose_name='牵头单位')),
            ],
            options={
                'verbose_name': '规划指标',
                'verbose_name_plural': '规划指标',
                'ordering': ['sort_order', 'code'],
            },
        ),
        migrations.CreateModel(
            name='Report',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)], verbose_name='季度')),
                ('value', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='数值')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
                ('status', models.CharField(choices=[('draft', '草稿'), ('submitted', '已报送'), ('accepted', '已采纳'), ('returned', '已退回')], default='draft', max_length=20, verbose_name='状态')),
                ('return_reason', models.TextField(blank=True, verbose_name='退回原因')),
                ('due_date', models.DateField(verbose_name='报送截止日')),
                ('late', models.BooleanField(default=False, verbose_name='逾期报送')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='报送时间')),
                ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='审核时间')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('district', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='core.district', verbose_name='区县/功能区')),
                ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='plan.indicator')),
                ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '指标填报',
                'verbose_name_plural': '指标填报',
                'ordering': ['-year', '-quarter', 'indicator__sort_order'],
            },
        ),
        migrations.CreateModel(
            name='Evidence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(storage=core.storage.PrivateFileStorage(), upload_to='plan/evidence/%Y/')),
                ('original_name', models.CharField(max_length=200, verbose_name='原文件名')),
                ('size', models.PositiveIntegerField(verbose_name='大小（字节）')),
                ('sha256', models.CharField(max_length=64)),
                ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='上传时间')),
                ('uploaded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to='plan.report')),
            ],
            options={
                'verbose_name': '佐证材料',
                'verbose_name_plural': '佐证材料',
                'ordering': ['uploaded_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Target',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('value', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='目标值')),
                ('is_baseline', models.BooleanField(default=False, help_text='计划开始前一年的实际水平：只作为插值路径的起点，不是该年度的目标。', verbose_name='基期值')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='说明')),
                ('district', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='core.district', verbose_name='区县/功能区')),
                ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='targets', to='plan.indicator')),
            ],
            options={
                'verbose_name': '规划目标',
                'verbose_name_plural': '规划目标',
                'ordering': ['indicator__sort_order', 'year', 'district__sort_order'],
            },
        ),
        migrations.CreateModel(
            name='Bulletin',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)], verbose_name='季度')),
                ('status', models.CharField(choices=[('draft', '待审核'), ('published', '已发布')], default='draft', max_length=20, verbose_name='状态')),
                ('pdf', models.FileField(storage=core.storage.PrivateFileStorage(), upload_to='plan/bulletins/')),
                ('summary', models.JSONField(blank=True, default=dict, verbose_name='摘要')),
                ('generated_at', models.DateTimeField(verbose_name='生成时间')),
                ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='发布时间')),
                ('generated_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '进展通报',
                'verbose_name_plural': '进展通报',
                'ordering': ['-year', '-quarter'],
                'constraints': [models.UniqueConstraint(fields=('year', 'quarter'), name='unique_plan_bulletin')],
            },
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(fields=['indicator', 'year', 'status'], name='plan_report_indicat_c1aca1_idx'),
        ),
        migrations.AddConstraint(
            model_name='report',
            constraint=models.UniqueConstraint(fields=('indicator', 'year', 'quarter', 'district'), name='unique_plan_report'),
        ),
        migrations.AddConstraint(
            model_name='report',
            constraint=models.UniqueConstraint(condition=models.Q(('district__isnull', True)), fields=('indicator', 'year', 'quarter'), name='unique_plan_city_report'),
        ),
        migrations.AddConstraint(
            model_name='target',
            constraint=models.UniqueConstraint(fields=('indicator', 'year', 'district'), name='unique_plan_target'),
        ),
        migrations.AddConstraint(
            model_name='target',
            constraint=models.UniqueConstraint(condition=models.Q(('district__isnull', True)), fields=('indicator', 'year'), name='unique_plan_city_target'),
        ),
    ]
