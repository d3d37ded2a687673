"""Review and publication of records: 保密审查 → 审核 → publication (now or at a set time) →
withdrawal. Wagtail's workflow engine moves the states; these services decide, check the
publication gate and write the audit log."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.actions.publish_revision import PublishRevisionAction
from wagtail.actions.unpublish import UnpublishAction
from wagtail.signals import published

from gongkai.core import audit, rules
from gongkai.core.services import ServiceError, require
from gongkai.disclosure import publication, search
from gongkai.disclosure.models import (
    ConfidentialityBasis,
    ConfidentialityOutcome,
    ConfidentialityReview,
    Record,
)
from gongkai.disclosure.services.records import allocate_index_number


def _record_of(task_state) -> Record:
    return Record.objects.get(pk=task_state.workflow_state.object_id)


@transaction.atomic
def submit_for_review(actor, record: Record):
    """Send the latest revision into the review workflow (保密审查 first); a review sent back for
    changes (退回修改) is resumed on the new revision.

    Idempotent under double clicks: the record's row is locked first, so of two simultaneous
    submissions the second sees the first's review and gets ServiceError("该信息已在审核中，无需
    重复送审") instead of a second workflow state (Wagtail's one-review-per-object constraint)."""
    from wagtail.models import WorkflowState

    require(rules.can_draft_record(actor, record.body), "您没有为该机构送审政府信息的权限")
    workflow = record.get_workflow()
    if workflow is None:
        raise ServiceError(["政府信息没有配置审核流程，请联系公开办"])
    # The row lock serialises submissions of one record (PostgreSQL; SQLite's IMMEDIATE
    # transaction already holds the database's write lock).
    Record.objects.select_for_update().filter(pk=record.pk).values_list("pk", flat=True).first()
    state = WorkflowState.objects.for_instance(record).filter(
        status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES]).first()
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        raise ServiceError(["该信息已在审核中，无需重复送审"])
    try:
        with transaction.atomic():
            # The first task's start() writes the "record.submitted" audit entry (also when an
            # officer submits from the admin's own button).
            if state is not None:
                state.resume(actor)
                return state
            return workflow.start(record, actor)
    except IntegrityError:  # a submission that raced past the lock (another code path)
        raise ServiceError(["该信息已在审核中，无需重复送审"]) from None


def audit_submission(task_state, user) -> None:
    """Called by ConfidentialityReviewTask.start: the record entered review."""
    record = _record_of(task_state)
    audit.record("record.submitted", user, record, {"revision": task_state.revision_id}, scope=record.body)


@transaction.atomic
def decide_confidentiality(actor, task_state, *, outcome: str, basis: str, comment: str = "") -> ConfidentialityReview:
    """Record the 保密审查 decision on the revision under review and move the workflow on
    (passed) or back to the author (needs changes / not to be disclosed)."""
    record = _record_of(task_state)
    require(rules.can_review_confidentiality(actor, record.body), "只有本单位的保密审查员可以作出保密审查结论")
    if outcome not in ConfidentialityOutcome.values:
        raise ServiceError({"outcome": [f"未知的审查结论：{outcome}"]})
    if basis not in ConfidentialityBasis.values:
        raise ServiceError({"basis": ["请选择审查依据"]})
    if outcome != ConfidentialityOutcome.PASSED and not comment.strip():
        raise ServiceError({"comment": ["退回或不予公开时必须填写审查意见"]})
    review = ConfidentialityReview.objects.create(record=record, revision=task_state.revision, reviewer=actor,
                                                  outcome=outcome, basis=basis, comment=comment.strip())
    audit.record("record.confidentiality_reviewed", actor, record,
                 {"revision": task_state.revision_id, "outcome": outcome, "basis": basis, "comment": comment},
                 scope=record.body)
    if outcome == ConfidentialityOutcome.PASSED:
        task_state.approve(user=actor, comment=comment)
    else:
        task_state.reject(user=actor, comment=comment)
    return review


@transaction.atomic
def decide_approval(actor, task_state, *, approve: bool, comment: str = "") -> bool:
    """The leader's 审核. Approval publishes (through finish_review_workflow) unless the
    publication gate objects, in which case the record goes back with the reasons. Returns whether
    the record was approved."""
    record = _record_of(task_state)
    require(rules.can_approve_publication(actor, record.body), "只有本单位的审核领导可以审核发布")
    if not approve:
        if not comment.strip():
            raise ServiceError({"comment": ["退回修改时必须填写审核意见"]})
        audit.record("record.returned", actor, record, {"revision": task_state.revision_id, "comment": comment},
                     scope=record.body)
        task_state.reject(user=actor, comment=comment)
        return False
    reasons = publication.blockers(task_state.revision.as_object(), task_state.revision)
    if reasons:
        note = "不能发布：" + "；".join(reasons)
        audit.record("record.returned", actor, record, {"revision": task_state.revision_id, "blockers": reasons},
                     scope=record.body)
        task_state.reject(user=actor, comment=note)
        return False
    audit.record("record.approved", actor, record, {"revision": task_state.revision_id, "comment": comment},
                 scope=record.body)
    task_state.approve(user=actor, comment=comment)
    return True


def finish_review_workflow(workflow_state, user=None):
    """WAGTAIL_FINISH_WORKFLOW_ACTION: publish the approved revision."""
    record = Record.objects.get(pk=workflow_state.object_id)
    publish_revision(user, record, record.get_latest_revision())


class ScheduledPublishAction(PublishRevisionAction):
    """Wagtail's publication, less one side effect: publishing cancels any review in progress on
    the object. When an approved revision goes live at its scheduled time, a newer revision may be
    in review meanwhile (一事一审: it was submitted on its own); its review must go on."""

    def _after_publish(self):
        published.send(sender=type(self.object), instance=self.object, revision=self.revision)


@transaction.atomic
def publish_revision(actor, record: Record, revision, *, scheduled: bool = False) -> Record:
    """Make ``revision`` public now, or schedule it when its go-live time is in the future.

    ``scheduled`` True: the revision's go-live time has come and the scheduler publishes it
    (gongkai.disclosure.services.schedule.publish_due). Refuses (ServiceError) when the
    publication gate objects. Assigns the 索引号 on first publication when none was entered.
    Audits "record.published" (with ``scheduled``) or, when the revision waits for its time,
    "record.scheduled"."""
    reasons = publication.blockers(revision.as_object(), revision)
    if reasons:
        raise ServiceError(["不能发布：" + "；".join(reasons)])
    if not revision.content.get("index_number"):
        year = timezone.localdate().year
        revision.content["index_number"] = allocate_index_number(record, year)
        revision.save(update_fields=["content"])
    go_live_at = revision.as_object().go_live_at
    user = actor if getattr(actor, "pk", None) else None
    was_live = Record.objects.filter(pk=record.pk, live=True).exists()
    if scheduled:
        ScheduledPublishAction(revision, user=user, log_action="wagtail.publish.scheduled").execute(
            skip_permission_checks=True)
    else:
        revision.publish(user=user, skip_permission_checks=True, log_action=True)
    record.refresh_from_db()
    if record.live and not was_live and record.withdrawn_at is not None:
        record.republished_at = record.last_published_at or timezone.now()
        Record.objects.filter(pk=record.pk).update(republished_at=record.republished_at)
    search.refresh(record)
    waiting = not record.live or record.live_revision_id != revision.pk
    audit.record("record.scheduled" if waiting else "record.published", actor, record,
                 {"revision": revision.pk, "index_number": revision.content["index_number"],
                  "go_live_at": timezone.localtime(go_live_at).isoformat() if go_live_at else None,
                  "scheduled": scheduled},
                 scope=record.body)
    return record


def mark_withdrawn(record: Record) -> None:
    """Keep the time a record left the public site (the annual report's year-end count, 条例第五十条)."""
    record.withdrawn_at = timezone.now()
    Record.objects.filter(pk=record.pk).update(withdrawn_at=record.withdrawn_at)


@transaction.atomic
def withdraw_record(actor, record: Record, *, reason: str) -> Record:
    """Take a published record off the public site (撤回), or call back an approved revision that
    waits for its 定时发布时间 (取消定时发布). The record and its history stay.

    A public record is unpublished ("record.withdrawn"; a scheduled newer revision is cancelled
    with it, ``cancelled_schedule`` in the entry). A record not public but scheduled loses its
    schedule ("record.schedule_cancelled" with the reason). Raises ServiceError without a reason,
    or when there is nothing to withdraw."""
    require(rules.can_withdraw_record(actor, record.body), "您没有撤回该政府信息的权限")
    if not reason.strip():
        raise ServiceError({"reason": ["请填写撤回原因"]})
    record = Record.objects.select_for_update().get(pk=record.pk)
    scheduled = list(record.revisions.filter(approved_go_live_at__isnull=False).values_list("pk", flat=True))
    if not record.live:
        if not scheduled:
            raise ServiceError(["该信息当前未公开，无需撤回"])
        record.revisions.filter(pk__in=scheduled).update(approved_go_live_at=None)
        audit.record("record.schedule_cancelled", actor, record, {"revisions": scheduled, "reason": reason.strip()},
                     scope=record.body)
        return record
    # Permission was checked above with our rule; Wagtail's own check expects page permissions.
    UnpublishAction(record, user=actor if getattr(actor, "pk", None) else None).execute(skip_permission_checks=True)
    mark_withdrawn(record)
    search.refresh(record)
    audit.record("record.withdrawn", actor, record, {"reason": reason.strip(), "cancelled_schedule": scheduled},
                 scope=record.body)
    return record
