"""Broader terms that name a family of techniques (one-way expansions)."""

from django.db import migrations

SEED = [
    ("膜分离 => 超滤,纳滤,反渗透,微滤,陶瓷膜,膜过滤", "上位词：膜分离技术"),
    ("水处理 => 污水处理,废水处理,海水淡化,中水回用,膜分离", "上位词"),
    ("清洁取暖 => 电采暖,电蓄热,热泵,地源热泵,空气源热泵,地暖,生物质供暖", "上位词：北方清洁取暖"),
    ("智能制造 => 工业机器人,数控机床,工业互联网,数字孪生", "上位词"),
    ("储能 => 锂电池,储能电池,电化学储能,蓄热,储热", "上位词"),
]


def seed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for terms, note in SEED:
        Synonym.objects.get_or_create(terms=terms, defaults={"note": note})


def unseed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.filter(terms__in=[terms for terms, _ in SEED]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0003_seed_synonyms")]

    operations = [migrations.RunPython(seed, unseed)]
