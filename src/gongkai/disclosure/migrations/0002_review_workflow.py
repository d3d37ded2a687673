"""The review workflow every record goes through: 保密审查 → 领导审核 (task 五, 先审查、后公开)."""

from django.db import migrations

WORKFLOW = "政府信息发布审核"


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    ReviewTask = apps.get_model("disclosure", "ConfidentialityReviewTask")
    ApprovalTask = apps.get_model("disclosure", "LeaderApprovalTask")

    def task(model, name):
        ct, _ = ContentType.objects.get_or_create(app_label="disclosure", model=model._meta.model_name)
        found = model.objects.filter(name=name).first()
        return found or model.objects.create(name=name, active=True, content_type=ct)

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    for order, t in enumerate([task(ReviewTask, "保密审查"), task(ApprovalTask, "领导审核")]):
        WorkflowTask.objects.get_or_create(workflow=workflow, task=t, defaults={"sort_order": order})
    record_ct, _ = ContentType.objects.get_or_create(app_label="disclosure", model="record")
    WorkflowContentType.objects.update_or_create(content_type=record_ct, defaults={"workflow": workflow})


def remove_workflow(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=WORKFLOW).delete()


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial"), ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes")]
    operations = [migrations.RunPython(create_workflow, remove_workflow)]
