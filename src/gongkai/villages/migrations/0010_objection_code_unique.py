from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("gongkai_villages", "0009_objection_code"),
    ]

    operations = [
        migrations.AlterField(
            model_name="objection", name="code",
            field=models.CharField(max_length=12, unique=True, verbose_name="异议查询码"),
        ),
    ]
