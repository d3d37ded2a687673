"""公开时限 in calendar days (预算法 Art. 14 "批准后20日内"): a new time-limit kind, and the rows that
were stored as "no checkable limit" read again (standard rows and every body's items; only rows of
kind ``none`` can change, and they change only when their wording states "N日内")."""

from django.db import migrations, models

ITEM_MODELS = ("StandardItem", "CatalogueItem")


def reread_limits(apps, schema_editor):
    from gongkai.catalog.timelimits import TimeLimitError, parse_time_limit

    for name in ITEM_MODELS:
        model = apps.get_model("catalog", name)
        for item in model.objects.filter(limit_kind="none").only("pk", "time_limit_text"):
            try:
                limit = parse_time_limit(item.time_limit_text)
            except TimeLimitError:
                continue
            if limit.kind.value != "none":
                model.objects.filter(pk=item.pk).update(limit_kind=limit.kind.value, limit_days=limit.days,
                                                        limit_publish_within=limit.publish_within)


def back_to_unchecked(apps, schema_editor):
    for name in ITEM_MODELS:
        apps.get_model("catalog", name).objects.filter(limit_kind="calendar_days").update(
            limit_kind="none", limit_days=20, limit_publish_within=20)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0002_seed_standard'),
    ]

    operations = [
        migrations.AlterField(
            model_name='catalogueitem',
            name='limit_days',
            field=models.PositiveSmallIntegerField(default=20, help_text='工作日类事项为工作日数，自然日类事项为自然日数，公示类事项为公示期的工作日数', verbose_name='时限（日数）'),
        ),
        migrations.AlterField(
            model_name='catalogueitem',
            name='limit_kind',
            field=models.CharField(choices=[('workdays', '形成或变更之日起N个工作日内公开'), ('publicity', '公示期N个工作日'), ('calendar_days', '形成或变更之日起N日内公开（自然日）'), ('none', '无明确时限（及时公开等）')], default='workdays', max_length=16, verbose_name='时限类型'),
        ),
        migrations.AlterField(
            model_name='standarditem',
            name='limit_days',
            field=models.PositiveSmallIntegerField(default=20, help_text='工作日类事项为工作日数，自然日类事项为自然日数，公示类事项为公示期的工作日数', verbose_name='时限（日数）'),
        ),
        migrations.AlterField(
            model_name='standarditem',
            name='limit_kind',
            field=models.CharField(choices=[('workdays', '形成或变更之日起N个工作日内公开'), ('publicity', '公示期N个工作日'), ('calendar_days', '形成或变更之日起N日内公开（自然日）'), ('none', '无明确时限（及时公开等）')], default='workdays', max_length=16, verbose_name='时限类型'),
        ),
        migrations.RunPython(reread_limits, back_to_unchecked),
    ]
