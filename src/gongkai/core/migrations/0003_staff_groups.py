"""Wagtail groups kept in step with role memberships by gongkai.core.services.people."""

from django.db import migrations

STAFF_GROUP = "政务公开工作人员"
OFFICE_GROUP = "公开办管理员"


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    admin_ct, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access, _ = Permission.objects.get_or_create(
        content_type=admin_ct, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    for name in (STAFF_GROUP, OFFICE_GROUP):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[STAFF_GROUP, OFFICE_GROUP]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_seed_calendar"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
