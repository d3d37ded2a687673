"""The workflow of a 依申请公开 case as ONE transition table (style.md practice 5).

条例 Art. 45 requires a 登记、审核、办理、答复、归档 system; the stages and their clock effects follow
the 条例 and the fee measures (domain facts §1.1, §1.4, §3.4):

    registered ─request_correction→ correction_requested ─receive_correction→ correction_received
                                                        └─lapse_correction→ lapsed
    (registered | correction_received | processing | extended) ─start_consultation→ consultation
    consultation ─end_consultation→ processing
    (registered | correction_received | processing) ─extend→ extended
    (registered | correction_received | processing | extended) ─notify_fee→ fee_notified
    fee_notified ─receive_payment→ fee_paid | ─lapse_fee→ lapsed
    (registered | correction_received | processing | extended | fee_paid) ─decide→ decided
    decided ─deliver→ delivered ─archive→ archived;  lapsed | withdrawn ─archive→ archived
    any open state ─withdraw→ withdrawn

The table records stages, roles and clock effects. The clock itself (dates, one extension of at
most 20 working days, the fee pause switch) is rules/deadlines; the service layer feeds each
transition's date into ``deadlines.ClockInputs`` and records the due-date change it produces.

Decisions on ambiguous points:

- ``processing`` (办理中) is added as the state a consultation returns to: the table stays closed
  (no "back to the previous state"). The single-extension rule is therefore held by the clock
  inputs (one ``Extension``), not by the states.
- Every case ends in ``archived``: Art. 45 requires 归档 for lapsed and withdrawn cases too.
- Withdrawal is in the facts only as the example of （六）3.其他 (R17); it is recorded by a handler
  on the applicant's behalf and implies ``other.other``.
- Lapses are performed by the system (a sweep) when the period set in the 补正 notice, or the 20
  working days for payment, ran out; they imply the （六）1/2 dispositions, which ``decide`` cannot
  choose. 补正后申请内容仍不明确 can only be decided after a correction was received.
- A correction is asked for only from ``registered`` (Art. 30: once, within 7 working days).
- The reply clock stops at ``decided`` (the date of the 答复书); delivery is recorded separately.
- Office heads also handle cases in many agencies; the table names the role an action needs and
  the permission layer maps people to roles (a person may hold both).
- No fee notice after payment, and no extension from ``fee_paid`` (the information is ready once
  the fee was computed), so a case gets at most one fee notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gongkai.rules.deadlines import (
    BASIS_CONSULTATION,
    BASIS_CORRECTION,
    BASIS_EXTENSION,
    BASIS_FEE,
)
from gongkai.rules.deadlines import ClockEffect as Clock
from gongkai.rules.dispositions import LAPSE_DISPOSITIONS, REGULATION, Disposition


class TransitionError(ValueError):
    """A refused transition; the message is fit to show a user."""


class CaseState(StrEnum):
    REGISTERED = "registered"
    CORRECTION_REQUESTED = "correction_requested"
    CORRECTION_RECEIVED = "correction_received"
    CONSULTATION = "consultation"
    PROCESSING = "processing"
    EXTENDED = "extended"
    FEE_NOTIFIED = "fee_notified"
    FEE_PAID = "fee_paid"
    DECIDED = "decided"
    DELIVERED = "delivered"
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    CaseState.REGISTERED: "已登记",
    CaseState.CORRECTION_REQUESTED: "待补正",
    CaseState.CORRECTION_RECEIVED: "已补正",
    CaseState.CONSULTATION: "征求意见中",
    CaseState.PROCESSING: "办理中",
    CaseState.EXTENDED: "已延期",
    CaseState.FEE_NOTIFIED: "待缴费",
    CaseState.FEE_PAID: "已缴费",
    CaseState.DECIDED: "已答复",
    CaseState.DELIVERED: "已送达",
    CaseState.LAPSED: "视为放弃申请",
    CaseState.WITHDRAWN: "申请人撤回",
    CaseState.ARCHIVED: "已归档",
}


class Role(StrEnum):
    HANDLER = "handler"
    OFFICE_HEAD = "office_head"
    SYSTEM = "system"

    @property
    def label(self) -> str:
        return {"handler": "承办人", "office_head": "政府信息公开工作机构负责人", "system": "系统"}[self.value]


class Action(StrEnum):
    REQUEST_CORRECTION = "request_correction"
    RECEIVE_CORRECTION = "receive_correction"
    LAPSE_CORRECTION = "lapse_correction"
    START_CONSULTATION = "start_consultation"
    END_CONSULTATION = "end_consultation"
    EXTEND = "extend"
    NOTIFY_FEE = "notify_fee"
    RECEIVE_PAYMENT = "receive_payment"
    LAPSE_FEE = "lapse_fee"
    DECIDE = "decide"
    DELIVER = "deliver"
    WITHDRAW = "withdraw"
    ARCHIVE = "archive"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    Action.REQUEST_CORRECTION: "发出补正通知",
    Action.RECEIVE_CORRECTION: "收到补正",
    Action.LAPSE_CORRECTION: "逾期未补正",
    Action.START_CONSULTATION: "征求意见",
    Action.END_CONSULTATION: "征求意见结束",
    Action.EXTEND: "延长答复期限",
    Action.NOTIFY_FEE: "发出收费通知",
    Action.RECEIVE_PAYMENT: "收到缴费",
    Action.LAPSE_FEE: "逾期未缴费",
    Action.DECIDE: "作出答复",
    Action.DELIVER: "送达",
    Action.WITHDRAW: "申请人撤回申请",
    Action.ARCHIVE: "归档",
}


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[CaseState]
    target: CaseState
    roles: frozenset[Role]
    clock: Clock
    basis: str
    implied_disposition: Disposition | None = None  # set by the transition itself
    needs_disposition: bool = False  # the actor chooses one (decide)


S = CaseState
_WORKING = frozenset({S.REGISTERED, S.CORRECTION_RECEIVED, S.PROCESSING, S.EXTENDED})
_OPEN = _WORKING | {S.CORRECTION_REQUESTED, S.CONSULTATION, S.FEE_NOTIFIED, S.FEE_PAID}
_HANDLER = frozenset({Role.HANDLER})

#: The one transition table of a case.
TRANSITIONS: dict[Action, Transition] = {t.action: t for t in (
    Transition(Action.REQUEST_CORRECTION, frozenset({S.REGISTERED}), S.CORRECTION_REQUESTED, _HANDLER,
               Clock.PAUSE_START, BASIS_CORRECTION),
    Transition(Action.RECEIVE_CORRECTION, frozenset({S.CORRECTION_REQUESTED}), S.CORRECTION_RECEIVED, _HANDLER,
               Clock.RESTART, BASIS_CORRECTION),
    Transition(Action.LAPSE_CORRECTION, frozenset({S.CORRECTION_REQUESTED}), S.LAPSED, frozenset({Role.SYSTEM}),
               Clock.NONE, BASIS_CORRECTION, implied_disposition=Disposition.OTHER_NO_CORRECTION),
    Transition(Action.START_CONSULTATION, _WORKING, S.CONSULTATION, _HANDLER,
               Clock.PAUSE_START, BASIS_CONSULTATION),
    Transition(Action.END_CONSULTATION, frozenset({S.CONSULTATION}), S.PROCESSING, _HANDLER,
               Clock.PAUSE_END, BASIS_CONSULTATION),
    Transition(Action.EXTEND, _WORKING - {S.EXTENDED}, S.EXTENDED, frozenset({Role.OFFICE_HEAD}),
               Clock.EXTEND, BASIS_EXTENSION),
    # The fee pause is UNCONFIRMED (facts §3.4): deadlines.compute_due_date(fee_pause=...) decides
    # whether PAUSE_START/PAUSE_END here stop the clock.
    Transition(Action.NOTIFY_FEE, _WORKING, S.FEE_NOTIFIED, _HANDLER, Clock.PAUSE_START, BASIS_FEE),
    Transition(Action.RECEIVE_PAYMENT, frozenset({S.FEE_NOTIFIED}), S.FEE_PAID, _HANDLER, Clock.PAUSE_END, BASIS_FEE),
    Transition(Action.LAPSE_FEE, frozenset({S.FEE_NOTIFIED}), S.LAPSED, frozenset({Role.SYSTEM}),
               Clock.NONE, BASIS_FEE, implied_disposition=Disposition.OTHER_NO_FEE_PAYMENT),
    Transition(Action.DECIDE, _WORKING | {S.FEE_PAID}, S.DECIDED, _HANDLER, Clock.NONE,
               f"{REGULATION}第三十三条、第三十六条至第三十九条", needs_disposition=True),
    Transition(Action.DELIVER, frozenset({S.DECIDED}), S.DELIVERED, _HANDLER, Clock.NONE,
               f"{REGULATION}第四十条"),
    Transition(Action.WITHDRAW, _OPEN, S.WITHDRAWN, _HANDLER, Clock.NONE,
               "政府信息公开工作年度报告格式（国办公开办函〔2021〕30号）表三（六）3.其他",
               implied_disposition=Disposition.OTHER_OTHER),
    Transition(Action.ARCHIVE, frozenset({S.DELIVERED, S.LAPSED, S.WITHDRAWN}), S.ARCHIVED, _HANDLER, Clock.NONE,
               f"{REGULATION}第四十五条"),
)}

INITIAL_STATE = CaseState.REGISTERED
TERMINAL_STATES = frozenset(s for s in CaseState if not any(s in t.sources for t in TRANSITIONS.values()))
#: States in which the reply clock no longer matters (deadlines.clock_status(closed=True)).
CLOSED_STATES = frozenset({S.DECIDED, S.DELIVERED, S.LAPSED, S.WITHDRAWN, S.ARCHIVED})


def allowed_transitions(state: CaseState, role: Role) -> list[Transition]:
    """The transitions ``role`` may perform from ``state``, in table order (条例 Art. 45 workflow)."""
    return [t for t in TRANSITIONS.values() if state in t.sources and role in t.roles]


def advances_case(transition: Transition) -> bool:
    """Whether ``transition`` moves the case along the main line of 条例 Art. 45 (登记→办理→答复→送达→
    归档, or back onto it after a pause): it neither opens a side track (a pause or the extension,
    which the case screen offers folded) nor ends the case early (a withdrawal or lapse, which
    imply their disposition)."""
    return transition.clock in (Clock.NONE, Clock.RESTART, Clock.PAUSE_END) and transition.implied_disposition is None


def next_step(transitions: list[Transition]) -> Transition | None:
    """The expected next step among ``transitions`` (those allowed now, in table order): the first
    that advances the case (:func:`advances_case`), or None when only side tracks are open."""
    return next((t for t in transitions if advances_case(t)), None)


def validate_transition(state: CaseState, action: Action, role: Role,
                        disposition: Disposition | None = None) -> Transition:
    """Check that ``role`` may perform ``action`` from ``state`` (with ``disposition`` for
    ``decide``) and return the transition; raise TransitionError with a Chinese reason otherwise.

    Legal constraints on the disposition: the （六）1/2 lapse rows come only from the lapse
    transitions (条例 Art. 30; 国办函〔2020〕109号); 补正后申请内容仍不明确 needs a received correction
    (条例 Art. 30).
    """
    t = TRANSITIONS[action]
    if state not in t.sources:
        raise TransitionError(f"案件处于“{state.label}”状态，不能{action.label}")
    if role not in t.roles:
        allowed = "、".join(r.label for r in sorted(t.roles))
        raise TransitionError(f"{action.label}须由{allowed}办理，{role.label}无权操作")
    if t.needs_disposition:
        _check_disposition(state, disposition)
    elif disposition is not None:
        raise TransitionError(f"{action.label}不需要选择办理结果")
    return t


def _check_disposition(state: CaseState, disposition: Disposition | None) -> None:
    if disposition is None:
        raise TransitionError("作出答复须选择办理结果")
    if disposition in LAPSE_DISPOSITIONS:
        raise TransitionError(f"“{disposition.label}”由系统在期限届满时记录，不能手工选择")
    if disposition is Disposition.UNAVAILABLE_UNCLEAR_AFTER_CORRECTION and state is not S.CORRECTION_RECEIVED:
        raise TransitionError("只有申请人补正后仍不明确的，才能选择“补正后申请内容仍不明确”")


def resulting_disposition(transition: Transition, chosen: Disposition | None = None) -> Disposition | None:
    """The table 三 row a validated transition records (条例 Art. 30, 36–39; 国办函〔2020〕109号):
    the one it implies (lapse, withdrawal), or the one chosen when deciding."""
    return transition.implied_disposition or chosen
