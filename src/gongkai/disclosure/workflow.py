"""Glue between Wagtail's workflow engine and the disclosure services: which actions a user sees
on each task, the form each action asks for, and the service each action calls."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.models import TaskState

from gongkai.core import rules
from gongkai.disclosure.models import ConfidentialityBasis, ConfidentialityOutcome


class ConfidentialityDecisionForm(forms.Form):
    basis = forms.ChoiceField(label=_("审查依据"), choices=ConfidentialityBasis.choices)
    comment = forms.CharField(label=_("审查意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              max_length=2000)


class RejectionForm(ConfidentialityDecisionForm):
    comment = forms.CharField(label=_("审查意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                              help_text=_("请说明需要删除或修改的内容，或不予公开的理由"))


class ApprovalCommentForm(forms.Form):
    comment = forms.CharField(label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              max_length=2000)


REVIEW_ACTIONS = {
    ConfidentialityOutcome.PASSED: _("保密审查通过"),
    ConfidentialityOutcome.NEEDS_CHANGES: _("退回修改"),
    ConfidentialityOutcome.REJECTED: _("不予公开"),
}


def review_actions(record, user):
    if not rules.can_review_confidentiality(user, record.body):
        return []
    return [(outcome.value, label, True) for outcome, label in REVIEW_ACTIONS.items()]


def review_form(action):
    return ConfidentialityDecisionForm if action == ConfidentialityOutcome.PASSED else RejectionForm


def on_review_action(task_state, user, action_name, **data):
    from gongkai.disclosure.services.review import decide_confidentiality

    decide_confidentiality(user, task_state, outcome=action_name, basis=data.get("basis", ""),
                           comment=data.get("comment", ""))


def approval_actions(record, user):
    if not rules.can_approve_publication(user, record.body):
        return []
    return [("approve", _("审核同意发布"), True), ("reject", _("退回修改"), True)]


def approval_form(action):
    return ApprovalCommentForm


def on_approval_action(task_state, user, action_name, **data):
    from gongkai.disclosure.services.review import decide_approval

    decide_approval(user, task_state, approve=action_name == "approve", comment=data.get("comment", ""))


def may_act(step: str, user, body) -> bool:
    check = rules.can_review_confidentiality if step == "review" else rules.can_approve_publication
    return check(user, body)


def actions(step: str, record, user):
    return review_actions(record, user) if step == "review" else approval_actions(record, user)


def form_for(step: str, action):
    return review_form(action) if step == "review" else approval_form(action)


def on_action(step: str, task_state, user, action_name, **data):
    handler = on_review_action if step == "review" else on_approval_action
    return handler(task_state, user, action_name, **data)


def moderatable_states(task, user, kind: str):
    """Task states of this task, in progress, on records of bodies where ``user`` may act."""
    states = TaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS, task=task.task_ptr)
    if rules.is_platform_operator(user):
        return states
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from gongkai.disclosure.models import Record

    bodies = [b.pk for b in rules.bodies_visible_to(user) if may_act(kind, user, b)]
    # WorkflowState.object_id is text (generic relation): compare with the records' ids as text.
    record_ids = Record.objects.filter(body_id__in=bodies).annotate(key=Cast("pk", CharField())).values("key")
    return states.filter(workflow_state__object_id__in=record_ids)

