"""The 依申请公开 clock (条例 Arts. 30–34; 国办函〔2020〕109号) with real dates and the official calendar.

Expected dates are counted by hand on the 2025/2026 State Council calendars (domain facts §10.2):
2026 Spring Festival off 15–23 Feb with 14 Feb and 28 Feb (Saturdays) worked; Qingming off 4–6 Apr;
Dragon Boat off 19–21 Jun; National Day 2025 off 1–8 Oct with 28 Sep and 11 Oct worked.
"""

import datetime as dt

import pytest

from gongkai.rules.calendar_seed import package_calendar
from gongkai.rules.deadlines import (
    ClockEffect,
    ClockInputs,
    ClockStatus,
    Correction,
    DeadlineError,
    Extension,
    Pause,
    PauseKind,
    clock_status,
    compute_due_date,
    consultation_reply_due,
    correction_notice_due,
    fee_payment_due,
    has_lapsed,
    receipt_date,
)
from gongkai.rules.dispositions import ReceiptChannel as Ch
from gongkai.rules.workdays import CalendarError, CalendarYearMissing

CAL = package_calendar()
D = dt.date
T = dt.datetime
UTC = dt.UTC


# -- (a) receipt date by channel (条例 Art. 31) -------------------------------------------------

@pytest.mark.parametrize(
    ("channel", "arrived", "confirmed", "receipt", "late", "due"),
    [
        # handed in: the day handed in; confirmation is irrelevant
        (Ch.IN_PERSON, T(2025, 9, 26, 10, 0), None, D(2025, 9, 26), False, D(2025, 10, 30)),
        (Ch.IN_PERSON, T(2025, 9, 26, 16, 0), D(2025, 9, 29), D(2025, 9, 26), False, D(2025, 10, 30)),
        # signed-for post: the day the agency signs
        (Ch.LETTER_SIGNED, T(2026, 2, 6, 9, 0), None, D(2026, 2, 6), False, D(2026, 3, 12)),
        # ordinary letter: the confirmation day; confirming later than arrival is flagged
        (Ch.LETTER, T(2025, 12, 31, 9, 0), D(2025, 12, 31), D(2025, 12, 31), False, D(2026, 1, 29)),
        (Ch.LETTER, T(2025, 12, 30, 9, 0), D(2025, 12, 31), D(2025, 12, 31), True, D(2026, 1, 29)),
        # online: the day both sides confirm, not the submission night before
        (Ch.ONLINE, T(2026, 9, 17, 23, 30), D(2026, 9, 18), D(2026, 9, 18), False, D(2026, 10, 22)),
        # fax arriving on a Saturday, confirmed on Monday
        (Ch.FAX, T(2026, 3, 7, 11, 0), D(2026, 3, 9), D(2026, 3, 9), False, D(2026, 4, 7)),
        # no cut-off is invented: a Sunday hand-in is received that Sunday (due as for Friday 6 Mar)
        (Ch.IN_PERSON, T(2026, 3, 8, 10, 0), None, D(2026, 3, 8), False, D(2026, 4, 3)),
        # aware datetimes are read in China Standard Time: 17:30 UTC on 6 Mar is 01:30 on 7 Mar
        (Ch.IN_PERSON, T(2026, 3, 6, 17, 30, tzinfo=UTC), None, D(2026, 3, 7), False, D(2026, 4, 3)),
        (Ch.IN_PERSON, D(2026, 3, 6), None, D(2026, 3, 6), False, D(2026, 4, 3)),
    ],
)
def test_receipt_date_by_channel(channel, arrived, confirmed, receipt, late, due):
    r = receipt_date(channel, arrived, confirmed)
    assert (r.date, r.late_confirmation) == (receipt, late)
    assert "第三十一条" in r.basis
    assert compute_due_date(ClockInputs(r.date), CAL).due == due


@pytest.mark.parametrize(
    ("channel", "arrived", "confirmed", "message"),
    [
        (Ch.LETTER, T(2026, 3, 2, 9, 0), None, "请填写确认日期"),
        (Ch.ONLINE, T(2026, 3, 2, 9, 0), None, "请填写确认日期"),
        (Ch.FAX, T(2026, 3, 2, 9, 0), None, "请填写确认日期"),
        (Ch.ONLINE, T(2026, 3, 2, 9, 0), D(2026, 3, 1), "早于申请到达日期"),
    ],
)
def test_receipt_date_refuses_missing_or_impossible_confirmation(channel, arrived, confirmed, message):
    with pytest.raises(DeadlineError, match=message):
        receipt_date(channel, arrived, confirmed)


# -- (b) the due date ---------------------------------------------------------------------------

THIRD = PauseKind.THIRD_PARTY
FEE = PauseKind.FEE


@pytest.mark.parametrize(
    ("inputs", "fee_pause", "due", "limit"),
    [
        # Art. 33 ¶2 alone (domain facts §10.2 worked examples)
        (ClockInputs(D(2025, 9, 26)), False, D(2025, 10, 30), 20),
        (ClockInputs(D(2026, 2, 6)), False, D(2026, 3, 12), 20),
        # Art. 30: correction asked 4 Mar, corrected application received Monday 16 Mar → 20 WD from
        # 16 Mar, skipping Qingming (4–6 Apr) → 14 Apr (instead of 30 Mar)
        (ClockInputs(D(2026, 3, 2), Correction(D(2026, 3, 4), D(2026, 3, 16))), False, D(2026, 4, 14), 20),
        # awaiting the correction: no due date
        (ClockInputs(D(2026, 3, 2), Correction(D(2026, 3, 4))), False, None, 20),
        # Art. 33 ¶3: consultation 10 Feb → 3 Mar across Spring Festival. Without it the due date is
        # Saturday 28 Feb (a make-up working day); 11 WD are excluded (11–14 Feb, 24–28 Feb, 2–3 Mar)
        (ClockInputs(D(2026, 1, 26)), False, D(2026, 2, 28), 20),
        (ClockInputs(D(2026, 1, 26), pauses=(Pause(THIRD, D(2026, 2, 10), D(2026, 3, 3)),)), False,
         D(2026, 3, 16), 20),
        (ClockInputs(D(2026, 1, 26), pauses=(Pause(THIRD, D(2026, 2, 10)),)), False, None, 20),
        # a co-producing agency consulted at the same time: overlapping pauses count once
        (ClockInputs(D(2026, 1, 26), pauses=(Pause(THIRD, D(2026, 2, 10), D(2026, 3, 3)),
                                             Pause(PauseKind.CO_PRODUCER, D(2026, 2, 12), D(2026, 2, 27)))),
         False, D(2026, 3, 16), 20),
        # a pause that starts and ends on the same day excludes nothing
        (ClockInputs(D(2025, 9, 26), pauses=(Pause(THIRD, D(2025, 10, 9), D(2025, 10, 9)),)), False,
         D(2025, 10, 30), 20),
        # a pause starting on or after the due date changes nothing
        (ClockInputs(D(2025, 9, 26), pauses=(Pause(THIRD, D(2025, 10, 30)),)), False, D(2025, 10, 30), 20),
        (ClockInputs(D(2025, 9, 26), pauses=(Pause(THIRD, D(2025, 11, 3)),)), False, D(2025, 10, 30), 20),
        # Art. 33 ¶2 extension: 40 WD in all (facts §10.2), or a shorter extension
        (ClockInputs(D(2025, 9, 26), extension=Extension(D(2025, 10, 28))), False, D(2025, 11, 27), 40),
        (ClockInputs(D(2025, 9, 26), extension=Extension(D(2025, 10, 30), 10)), False, D(2025, 11, 13), 30),
        # all together: consultation across Spring Festival, then the extension
        (ClockInputs(D(2026, 1, 26), pauses=(Pause(THIRD, D(2026, 2, 10), D(2026, 3, 3)),),
                     extension=Extension(D(2026, 3, 10))), False, D(2026, 4, 14), 40),
        # fee notice 10 Jun → paid 17 Jun: counted by default (UNCONFIRMED pause), excluded if configured
        (ClockInputs(D(2026, 6, 1), pauses=(Pause(FEE, D(2026, 6, 10), D(2026, 6, 17)),)), False, D(2026, 6, 30), 20),
        (ClockInputs(D(2026, 6, 1), pauses=(Pause(FEE, D(2026, 6, 10), D(2026, 6, 17)),)), True, D(2026, 7, 7), 20),
        (ClockInputs(D(2026, 6, 1), pauses=(Pause(FEE, D(2026, 6, 10)),)), False, D(2026, 6, 30), 20),
        (ClockInputs(D(2026, 6, 1), pauses=(Pause(FEE, D(2026, 6, 10)),)), True, None, 20),
    ],
)
def test_due_date(inputs, fee_pause, due, limit):
    result = compute_due_date(inputs, CAL, fee_pause=fee_pause)
    assert (result.due, result.limit_workdays) == (due, limit)
    assert result.trail[-1].new_due == due
    for before, after in zip(result.trail, result.trail[1:], strict=False):
        assert after.old_due == before.new_due  # the trail is a chain of recorded changes


def test_trail_records_each_change_with_its_basis():
    inputs = ClockInputs(D(2026, 1, 26), pauses=(Pause(THIRD, D(2026, 2, 10), D(2026, 3, 3)),),
                         extension=Extension(D(2026, 3, 10)))
    trail = compute_due_date(inputs, CAL).trail
    assert [(s.on, s.effect, s.old_due, s.new_due) for s in trail] == [
        (D(2026, 1, 26), ClockEffect.START, None, D(2026, 2, 28)),
        (D(2026, 2, 10), ClockEffect.PAUSE_START, D(2026, 2, 28), None),
        (D(2026, 3, 3), ClockEffect.PAUSE_END, None, D(2026, 3, 16)),
        (D(2026, 3, 10), ClockEffect.EXTEND, D(2026, 3, 16), D(2026, 4, 14)),
    ]
    assert [s.basis.removeprefix("《中华人民共和国政府信息公开条例》") for s in trail] == [
        "第三十三条第二款", "第三十二条、第三十三条第三款、第三十四条", "第三十二条、第三十三条第三款、第三十四条",
        "第三十三条第二款"]


def test_correction_restart_trail_and_late_notice_warning():
    trail = compute_due_date(ClockInputs(D(2026, 3, 2), Correction(D(2026, 3, 4), D(2026, 3, 16))), CAL).trail
    assert [(s.effect, s.old_due, s.new_due, s.warning) for s in trail] == [
        (ClockEffect.START, None, D(2026, 3, 30), ""),
        (ClockEffect.PAUSE_START, D(2026, 3, 30), None, ""),
        (ClockEffect.RESTART, None, D(2026, 4, 14), ""),
    ]
    assert all("第三十条" in s.basis for s in trail[1:])
    # the notice was due by 11 Mar (7 WD); sent on 12 Mar it is flagged but still restarts the clock
    late = compute_due_date(ClockInputs(D(2026, 3, 2), Correction(D(2026, 3, 12), D(2026, 3, 16))), CAL)
    assert late.due == D(2026, 4, 14)
    assert "7个工作日" in late.trail[1].warning


def test_correction_received_the_day_the_notice_went_out():
    """Corrected in person at the counter the day the 补正 notice was handed over: the notice comes
    first, then the restart (it once raised KeyError: the restart sorted before the notice)."""
    result = compute_due_date(ClockInputs(D(2026, 3, 2), Correction(D(2026, 3, 4), D(2026, 3, 4))), CAL)
    assert [s.effect for s in result.trail] == [ClockEffect.START, ClockEffect.PAUSE_START, ClockEffect.RESTART]
    assert result.due == D(2026, 4, 1)  # 20 working days counted from 4 Mar


def test_remaining_workdays_while_stopped():
    consulting = compute_due_date(ClockInputs(D(2026, 1, 26), pauses=(Pause(THIRD, D(2026, 2, 10)),)), CAL)
    assert (consulting.due, consulting.remaining_workdays) == (None, 9)  # 11 of 20 WD used by 10 Feb
    awaiting = compute_due_date(ClockInputs(D(2026, 3, 2), Correction(D(2026, 3, 4))), CAL)
    assert awaiting.remaining_workdays == 20  # the corrected application restarts the full period


def test_fee_pause_off_is_recorded_without_effect():
    inputs = ClockInputs(D(2026, 6, 1), pauses=(Pause(FEE, D(2026, 6, 10), D(2026, 6, 17)),))
    trail = compute_due_date(inputs, CAL).trail
    assert [s.effect for s in trail] == [ClockEffect.START, ClockEffect.NONE, ClockEffect.NONE]
    assert all(s.new_due == D(2026, 6, 30) for s in trail)
    assert "国办函〔2020〕109号" in trail[1].basis


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        (ClockInputs(D(2025, 9, 26), extension=Extension(D(2025, 10, 31))), "期限届满后不能延长"),
        (ClockInputs(D(2025, 9, 26), extension=Extension(D(2025, 10, 28), 21)), "最长不得超过20个工作日"),
        (ClockInputs(D(2025, 9, 26), extension=Extension(D(2025, 10, 28), 0)), "最长不得超过20个工作日"),
        (ClockInputs(D(2025, 9, 26), extension=Extension(D(2025, 9, 25))), "早于收到申请之日"),
        (ClockInputs(D(2025, 9, 26), Correction(D(2025, 9, 25))), "早于收到申请之日"),
        (ClockInputs(D(2025, 9, 26), Correction(D(2025, 9, 29), D(2025, 9, 28))), "早于补正通知日期"),
        (ClockInputs(D(2025, 9, 26), pauses=(Pause(THIRD, D(2025, 9, 20)),)), "早于收到申请之日"),
        (ClockInputs(D(2025, 9, 26), pauses=(Pause(THIRD, D(2025, 10, 9), D(2025, 10, 1)),)), "早于开始日期"),
    ],
)
def test_inconsistent_inputs_are_refused(inputs, message):
    with pytest.raises(DeadlineError, match=message):
        compute_due_date(inputs, CAL)


def test_a_pause_after_the_due_date_says_so():
    step = compute_due_date(ClockInputs(D(2025, 9, 26), pauses=(Pause(THIRD, D(2025, 11, 3)),)), CAL).trail[-1]
    assert (step.effect, step.old_due, step.new_due) == (ClockEffect.PAUSE_START, D(2025, 10, 30), D(2025, 10, 30))
    assert "不影响期限" in step.note


def test_an_extension_during_a_pause_is_allowed():
    inputs = ClockInputs(D(2026, 1, 26), pauses=(Pause(THIRD, D(2026, 2, 10), D(2026, 3, 3)),),
                         extension=Extension(D(2026, 3, 2)))  # after the unpaused due date of 28 Feb
    assert compute_due_date(inputs, CAL).due == D(2026, 4, 14)


# -- the year without calendar data --------------------------------------------------------------

@pytest.mark.parametrize(
    "inputs",
    [
        ClockInputs(D(2026, 12, 28)),  # received in late December: the 20 WD run into 2027
        ClockInputs(D(2026, 12, 1), extension=Extension(D(2026, 12, 22))),  # due 29 Dec, extended into 2027
        ClockInputs(D(2026, 12, 1), pauses=(Pause(THIRD, D(2026, 12, 10), D(2027, 1, 8)),)),
    ],
)
def test_a_deadline_in_2027_is_an_error_naming_the_year(inputs):
    with pytest.raises(CalendarYearMissing, match="2027年没有节假日数据") as exc:
        compute_due_date(inputs, CAL)
    assert exc.value.year == 2027
    assert isinstance(exc.value, CalendarError)


def test_a_december_case_within_2026_is_computed():
    assert compute_due_date(ClockInputs(D(2026, 12, 1)), CAL).due == D(2026, 12, 29)


# -- (c) 补正, consultation and fee periods ---------------------------------------------------------

@pytest.mark.parametrize(
    ("fn", "start", "expected"),
    [
        (correction_notice_due, D(2025, 9, 26), D(2025, 10, 13)),  # facts §10.2: counts 28 Sep, 11 Oct
        (correction_notice_due, D(2026, 2, 6), D(2026, 2, 24)),  # facts §10.2: counts 14 Feb
        (correction_notice_due, D(2026, 3, 2), D(2026, 3, 11)),
        (consultation_reply_due, D(2026, 2, 11), D(2026, 3, 10)),  # Art. 32/34: 15 WD across Spring Festival
        (fee_payment_due, D(2026, 6, 11), D(2026, 7, 10)),  # 20 WD from the day after, Dragon Boat off
        (fee_payment_due, D(2026, 2, 6), D(2026, 3, 12)),
    ],
)
def test_periods(fn, start, expected):
    assert fn(start, CAL) == expected


def test_periods_into_2027_are_errors():
    with pytest.raises(CalendarYearMissing, match="2027"):
        correction_notice_due(D(2026, 12, 28), CAL)
    with pytest.raises(CalendarYearMissing, match="2027"):
        fee_payment_due(D(2026, 12, 10), CAL)


@pytest.mark.parametrize(
    ("last_day", "done_on", "today", "lapsed"),
    [
        # fee notice received 11 Jun 2026 → pay by 10 Jul
        (D(2026, 7, 10), None, D(2026, 7, 10), False),
        (D(2026, 7, 10), None, D(2026, 7, 11), True),  # the case lapses: 视为放弃申请
        (D(2026, 7, 10), D(2026, 7, 10), D(2026, 7, 20), False),
        (D(2026, 7, 10), D(2026, 7, 13), D(2026, 7, 20), True),  # paying late does not revive it
        # a correction period the agency set to 20 Mar 2026
        (D(2026, 3, 20), None, D(2026, 3, 23), True),
        (D(2026, 3, 20), D(2026, 3, 16), D(2026, 3, 23), False),
    ],
)
def test_has_lapsed(last_day, done_on, today, lapsed):
    assert has_lapsed(last_day, done_on, today) is lapsed


def test_fee_lapse_end_to_end():
    due = fee_payment_due(D(2026, 6, 11), CAL)
    assert not has_lapsed(due, None, D(2026, 7, 10))
    assert has_lapsed(due, None, D(2026, 7, 11))


# -- (d) status on read ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("due", "today", "closed", "status"),
    [
        (D(2025, 10, 30), D(2025, 10, 22), False, ClockStatus.ON_TIME),  # 6 WD left
        (D(2025, 10, 30), D(2025, 10, 23), False, ClockStatus.DUE_SOON),  # 5 WD left
        (D(2025, 10, 30), D(2025, 10, 30), False, ClockStatus.DUE_SOON),  # the last day
        (D(2025, 10, 30), D(2025, 10, 31), False, ClockStatus.OVERDUE),
        (D(2025, 10, 30), D(2025, 11, 5), True, ClockStatus.CLOSED),
        (None, D(2026, 2, 20), False, ClockStatus.PAUSED),
        # across Spring Festival: 13 Feb is 2 WD before 24 Feb (14 Feb worked, 15–23 off)
        (D(2026, 2, 24), D(2026, 2, 13), False, ClockStatus.DUE_SOON),
        (D(2026, 2, 24), D(2026, 2, 6), False, ClockStatus.ON_TIME),  # 7 WD left
    ],
)
def test_clock_status(due, today, closed, status):
    assert clock_status(due, today, CAL, closed=closed) is status


def test_status_labels_are_chinese_and_distinct():
    labels = [s.label for s in ClockStatus]
    assert len(set(labels)) == len(labels)
    assert ClockStatus.OVERDUE.label == "已超期"
