"""The one transition table of a 依申请公开 case: closed, consistent, role-checked."""

import datetime as dt
from collections import deque

import pytest

from gongkai.rules.calendar_seed import package_calendar
from gongkai.rules.case_flow import (
    CLOSED_STATES,
    INITIAL_STATE,
    TERMINAL_STATES,
    TRANSITIONS,
    Action,
    CaseState,
    Role,
    TransitionError,
    advances_case,
    allowed_transitions,
    next_step,
    resulting_disposition,
    validate_transition,
)
from gongkai.rules.deadlines import (
    ClockEffect,
    ClockInputs,
    Correction,
    Extension,
    Pause,
    PauseKind,
    compute_due_date,
)
from gongkai.rules.dispositions import LAPSE_DISPOSITIONS, Disposition

S, A = CaseState, Action


def _exits(state):
    return [t for t in TRANSITIONS.values() if state in t.sources]


def _reachable(start, forward=True):
    seen, todo = {start}, deque([start])
    while todo:
        s = todo.popleft()
        for t in TRANSITIONS.values():
            nxt = [t.target] if forward and s in t.sources else (t.sources if not forward and t.target is s else [])
            for n in nxt:
                if n not in seen:
                    seen.add(n)
                    todo.append(n)
    return seen


def test_every_action_has_exactly_one_row():
    assert set(TRANSITIONS) == set(Action)
    assert all(key is t.action for key, t in TRANSITIONS.items())


def test_every_state_is_reachable_from_registration():
    assert _reachable(INITIAL_STATE) == set(CaseState)


def test_every_state_can_reach_the_archive():
    assert _reachable(S.ARCHIVED, forward=False) == set(CaseState)


def test_archived_is_the_only_terminal_state_and_has_no_exits():
    assert TERMINAL_STATES == {S.ARCHIVED}
    for state in TERMINAL_STATES:
        assert _exits(state) == []
        assert all(allowed_transitions(state, role) == [] for role in Role)


def test_lapses_are_performed_only_by_the_system_and_the_system_only_lapses():
    lapses = {a for a, t in TRANSITIONS.items() if t.target is S.LAPSED}
    assert lapses == {A.LAPSE_CORRECTION, A.LAPSE_FEE}
    for action, t in TRANSITIONS.items():
        assert (Role.SYSTEM in t.roles) == (action in lapses)
        if action in lapses:
            assert t.roles == {Role.SYSTEM}
    assert {TRANSITIONS[a].implied_disposition for a in lapses} == LAPSE_DISPOSITIONS


def test_only_the_office_head_extends():
    assert [t.action for t in TRANSITIONS.values() if Role.OFFICE_HEAD in t.roles] == [A.EXTEND]
    assert TRANSITIONS[A.EXTEND].roles == {Role.OFFICE_HEAD}
    assert TRANSITIONS[A.EXTEND].clock is ClockEffect.EXTEND
    assert "第三十三条第二款" in TRANSITIONS[A.EXTEND].basis


def test_every_transition_cites_its_basis_and_has_a_chinese_label():
    for t in TRANSITIONS.values():
        assert t.basis
        assert t.action.label and not t.action.label.isascii()
    for enum in (CaseState, Action, Role):
        labels = [m.label for m in enum]
        assert len(set(labels)) == len(labels)


def test_clock_effects_are_paired():
    """A state entered by a pause start is left only by its pause end (or restart) or by ending
    the case; nothing touches the clock once the case is closed."""
    assert [t.action for t in TRANSITIONS.values() if t.clock is ClockEffect.RESTART] == [A.RECEIVE_CORRECTION]
    for t in TRANSITIONS.values():
        if t.clock is ClockEffect.PAUSE_START:
            resumes = {x.clock for x in _exits(t.target)} - {ClockEffect.NONE}
            assert resumes in ({ClockEffect.PAUSE_END}, {ClockEffect.RESTART}), t.action
            assert {x.target for x in _exits(t.target) if x.clock is ClockEffect.NONE} <= {S.LAPSED, S.WITHDRAWN}
        if t.clock is ClockEffect.PAUSE_END:
            assert all(_clock_effects_into(src) == {ClockEffect.PAUSE_START} for src in t.sources)
    for state in CLOSED_STATES:
        assert all(t.clock is ClockEffect.NONE for t in _exits(state))


def _clock_effects_into(state):
    return {t.clock for t in TRANSITIONS.values() if t.target is state}


def test_implied_and_chosen_dispositions():
    assert TRANSITIONS[A.DECIDE].needs_disposition
    assert [a for a, t in TRANSITIONS.items() if t.needs_disposition] == [A.DECIDE]
    assert TRANSITIONS[A.WITHDRAW].implied_disposition is Disposition.OTHER_OTHER
    # every way a case ends before a reply records a table 三 row
    for t in TRANSITIONS.values():
        if t.target in (S.LAPSED, S.WITHDRAWN):
            assert t.implied_disposition is not None
    assert resulting_disposition(TRANSITIONS[A.LAPSE_FEE]) is Disposition.OTHER_NO_FEE_PAYMENT
    assert resulting_disposition(TRANSITIONS[A.DECIDE], Disposition.PARTIAL) is Disposition.PARTIAL


H, HEAD, SYS = Role.HANDLER, Role.OFFICE_HEAD, Role.SYSTEM
WORK = [A.START_CONSULTATION, A.NOTIFY_FEE, A.DECIDE, A.WITHDRAW]


@pytest.mark.parametrize(
    ("state", "role", "actions"),
    [
        (S.REGISTERED, H, [A.REQUEST_CORRECTION, *WORK]),
        (S.REGISTERED, HEAD, [A.EXTEND]),
        (S.REGISTERED, SYS, []),
        (S.CORRECTION_REQUESTED, H, [A.RECEIVE_CORRECTION, A.WITHDRAW]),
        (S.CORRECTION_REQUESTED, SYS, [A.LAPSE_CORRECTION]),
        (S.CORRECTION_REQUESTED, HEAD, []),
        (S.CORRECTION_RECEIVED, H, WORK),  # no second 补正 (Art. 30: 一次性)
        (S.CORRECTION_RECEIVED, HEAD, [A.EXTEND]),
        (S.CONSULTATION, H, [A.END_CONSULTATION, A.WITHDRAW]),
        (S.CONSULTATION, HEAD, []),
        (S.PROCESSING, H, WORK),
        (S.PROCESSING, HEAD, [A.EXTEND]),
        (S.EXTENDED, H, WORK),
        (S.EXTENDED, HEAD, []),  # extended once
        (S.FEE_NOTIFIED, H, [A.RECEIVE_PAYMENT, A.WITHDRAW]),
        (S.FEE_NOTIFIED, SYS, [A.LAPSE_FEE]),
        (S.FEE_PAID, H, [A.DECIDE, A.WITHDRAW]),
        (S.FEE_PAID, HEAD, []),
        (S.DECIDED, H, [A.DELIVER]),
        (S.DELIVERED, H, [A.ARCHIVE]),
        (S.LAPSED, H, [A.ARCHIVE]),
        (S.LAPSED, SYS, []),
        (S.WITHDRAWN, H, [A.ARCHIVE]),
        (S.ARCHIVED, H, []),
    ],
)
def test_allowed_transitions(state, role, actions):
    assert [t.action for t in allowed_transitions(state, role)] == sorted(actions, key=list(Action).index)


@pytest.mark.parametrize(
    ("state", "action", "role", "disposition", "message"),
    [
        (S.DECIDED, A.WITHDRAW, H, None, "案件处于“已答复”状态，不能申请人撤回申请"),
        (S.CORRECTION_RECEIVED, A.REQUEST_CORRECTION, H, None, "不能发出补正通知"),
        (S.REGISTERED, A.EXTEND, H, None, "延长答复期限须由政府信息公开工作机构负责人办理，承办人无权操作"),
        (S.FEE_NOTIFIED, A.LAPSE_FEE, H, None, "须由系统办理"),
        (S.REGISTERED, A.DECIDE, H, None, "须选择办理结果"),
        (S.REGISTERED, A.DECIDE, H, Disposition.OTHER_NO_CORRECTION, "由系统在期限届满时记录"),
        (S.FEE_PAID, A.DECIDE, H, Disposition.OTHER_NO_FEE_PAYMENT, "由系统在期限届满时记录"),
        (S.REGISTERED, A.DECIDE, H, Disposition.UNAVAILABLE_UNCLEAR_AFTER_CORRECTION, "补正后仍不明确"),
        (S.CONSULTATION, A.DECIDE, H, Disposition.DISCLOSED, "不能作出答复"),
        (S.DECIDED, A.DELIVER, H, Disposition.DISCLOSED, "不需要选择办理结果"),
    ],
)
def test_refused_transitions_say_why(state, action, role, disposition, message):
    with pytest.raises(TransitionError, match=message):
        validate_transition(state, action, role, disposition)


@pytest.mark.parametrize(
    ("state", "disposition"),
    [
        (S.REGISTERED, Disposition.DISCLOSED),  # 当场答复 (Art. 33 ¶1)
        (S.CORRECTION_RECEIVED, Disposition.UNAVAILABLE_UNCLEAR_AFTER_CORRECTION),
        (S.PROCESSING, Disposition.WITHHELD_THIRD_PARTY_RIGHTS),
        (S.EXTENDED, Disposition.PARTIAL),
        (S.FEE_PAID, Disposition.DISCLOSED),
        (S.REGISTERED, Disposition.NOT_PROCESSED_PETITION_COMPLAINT),
        (S.PROCESSING, Disposition.OTHER_OTHER),
    ],
)
def test_accepted_decisions(state, disposition):
    t = validate_transition(state, A.DECIDE, H, disposition)
    assert t.target is S.DECIDED
    assert resulting_disposition(t, disposition) is disposition


def test_a_whole_case_drives_the_clock():
    """Walk a real case through the table; the service would turn each clock effect into clock
    inputs. Received Monday 26 Jan 2026; 补正 asked 28 Jan, received 2 Feb; third party consulted
    9 Feb–3 Mar (across Spring Festival); extension approved 10 Mar; fee notice 12 Mar, paid 16 Mar."""
    cal = package_calendar()
    D = dt.date
    path = [
        (A.REQUEST_CORRECTION, H, D(2026, 1, 28)),
        (A.RECEIVE_CORRECTION, H, D(2026, 2, 2)),
        (A.START_CONSULTATION, H, D(2026, 2, 9)),
        (A.END_CONSULTATION, H, D(2026, 3, 3)),
        (A.EXTEND, HEAD, D(2026, 3, 10)),
        (A.NOTIFY_FEE, H, D(2026, 3, 12)),
        (A.RECEIVE_PAYMENT, H, D(2026, 3, 16)),
    ]
    state, effects = INITIAL_STATE, []
    for action, role, _day in path:
        t = validate_transition(state, action, role)
        state = t.target
        effects.append(t.clock)
    state = validate_transition(state, A.DECIDE, H, Disposition.DISCLOSED).target
    for action in (A.DELIVER, A.ARCHIVE):
        state = validate_transition(state, action, H).target
    assert state is S.ARCHIVED
    assert effects == [ClockEffect.PAUSE_START, ClockEffect.RESTART, ClockEffect.PAUSE_START, ClockEffect.PAUSE_END,
                       ClockEffect.EXTEND, ClockEffect.PAUSE_START, ClockEffect.PAUSE_END]

    inputs = ClockInputs(
        D(2026, 1, 26),
        Correction(D(2026, 1, 28), D(2026, 2, 2)),
        (Pause(PauseKind.THIRD_PARTY, D(2026, 2, 9), D(2026, 3, 3)), Pause(PauseKind.FEE, D(2026, 3, 12), D(2026, 3, 16))),
        Extension(D(2026, 3, 10)),
    )
    # From 2 Feb: 3–6 Feb, 9 Feb = 5 WD before the consultation; 15 left from 4 Mar → 24 Mar; +20 → 22 Apr.
    assert compute_due_date(inputs, cal).due == D(2026, 4, 22)
    # With the fee pause configured, 13 and 16 Mar are not counted either: two working days later.
    assert compute_due_date(inputs, cal, fee_pause=True).due == D(2026, 4, 24)


# --- The expected next step (issue 14 §3: the case screen shows it first) ---------------------------

@pytest.mark.parametrize(("state", "expected"), [
    (S.REGISTERED, A.DECIDE),
    (S.CORRECTION_REQUESTED, A.RECEIVE_CORRECTION),
    (S.CORRECTION_RECEIVED, A.DECIDE),
    (S.CONSULTATION, A.END_CONSULTATION),
    (S.PROCESSING, A.DECIDE),
    (S.EXTENDED, A.DECIDE),
    (S.FEE_NOTIFIED, A.RECEIVE_PAYMENT),
    (S.FEE_PAID, A.DECIDE),
    (S.DECIDED, A.DELIVER),
    (S.DELIVERED, A.ARCHIVE),
    (S.LAPSED, A.ARCHIVE),
    (S.WITHDRAWN, A.ARCHIVE),
    (S.ARCHIVED, None),
])
def test_next_step_for_the_handler(state, expected):
    step = next_step(allowed_transitions(state, Role.HANDLER))
    assert (step.action if step else None) == expected


def test_next_step_is_derived_from_the_table():
    """Side tracks (pauses, the extension) and early ends (withdrawal, lapses) are never the next
    step; every open state has exactly one main-line exit for the handler, so the choice is unique."""
    for t in TRANSITIONS.values():
        side = t.clock in (ClockEffect.PAUSE_START, ClockEffect.EXTEND) or t.implied_disposition is not None
        assert advances_case(t) is not side
    for state in CaseState:
        if state in TERMINAL_STATES:
            continue
        main = [t for t in allowed_transitions(state, Role.HANDLER) if advances_case(t)]
        assert len(main) == 1, state


def test_no_next_step_when_only_side_tracks_are_open():
    assert next_step(allowed_transitions(S.REGISTERED, Role.OFFICE_HEAD)) is None
    assert next_step([]) is None
