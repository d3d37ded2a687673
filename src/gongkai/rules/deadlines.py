"""The clock of a 依申请公开 case: receipt date, reply due date, 补正 and fee periods, status on read.

Legal sources (domain facts §1.1, §1.2, §3.4):

- 条例 Art. 31: the receipt date depends on the channel (see :func:`receipt_date`).
- 条例 Art. 33 ¶1/¶2: reply on the spot when possible, otherwise within 20 working days of receipt;
  extendable once the head of the 政府信息公开工作机构 consents and the applicant is told, by at most
  20 further working days (40 in all).
- 条例 Art. 33 ¶3: time spent consulting third parties (Art. 32) or co-producing agencies (Art. 34)
  is not counted.
- 条例 Art. 30: a 补正 notice goes out once, within 7 working days of receipt; the reply period is
  counted from the day the corrected application is received (the clock restarts); no correction
  within the period the agency set, without good reason → the application counts as abandoned.
- 国办函〔2020〕109号 (as restated by 四川 2021-01-18, facts §3.4): the applicant pays within 20
  working days counted from the day after receiving the fee notice; otherwise the application
  counts as abandoned.

Working days follow rules/workdays (the event day is day 0). The due date is computed in exactly
one place, :func:`compute_due_date`, which also returns the trail of every change with old value,
new value and legal basis, ready to be written as case events.

Decisions on ambiguous points:

- Receipt: the facts set no cut-off for after-hours or non-working-day arrivals, so none is
  applied: the receipt date is the calendar day of the event the channel names (a Saturday receipt
  is day 0 like any other). Aware datetimes are read in China Standard Time (UTC+8).
- An ordinary letter must be confirmed on the day it arrives (Art. 31(三)); a later confirmation
  still fixes the receipt date (the article says so) but is flagged ``late_confirmation``.
- Pauses exclude the days after the pause start through the pause end (``start < d <= end``), the
  same convention as working-day counting: the start day was still counted, the end day is day 0 of
  the resumed count. A pause that begins after the due date has no effect.
- Between a 补正 notice and the corrected application the due date is undefined (the reply period
  will restart), so it is ``None`` like any open pause.
- The fee pause (notice sent → payment) is UNCONFIRMED (facts §3.4): ``fee_pause`` defaults to
  False, the conservative reading (the clock keeps running), until the 办法 text is verified.
- An extension must be approved on or before the due date it extends (an expired period cannot be
  extended) and is one approval of 1–20 working days.
- Only one 补正 is possible (Art. 30: 一次性告知).
- The applicant's correction period is "reasonable" and set by the agency (Art. 30 fixes no
  number): it is an input date. "Without good reason" is the agency's judgment; the rule here only
  says whether the period ran out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from gongkai.rules.dispositions import FEE_MEASURES, REGULATION, ReceiptChannel
from gongkai.rules.workdays import WorkCalendar, add_workdays, is_workday, workdays_between

REPLY_WORKDAYS = 20  # Art. 33 ¶2
MAX_EXTENSION_WORKDAYS = 20  # Art. 33 ¶2
CORRECTION_NOTICE_WORKDAYS = 7  # Art. 30
CONSULTATION_REPLY_WORKDAYS = 15  # Art. 32 (third party), Art. 34 (co-producing agency)
FEE_PAYMENT_WORKDAYS = 20  # 国办函〔2020〕109号, facts §3.4
DUE_SOON_WORKDAYS = 5

CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8), "CST")

BASIS_RECEIPT = f"{REGULATION}第三十一条"
BASIS_REPLY = f"{REGULATION}第三十三条第二款"
BASIS_CORRECTION = f"{REGULATION}第三十条"
BASIS_CONSULTATION = f"{REGULATION}第三十二条、第三十三条第三款、第三十四条"
BASIS_EXTENSION = f"{REGULATION}第三十三条第二款"
BASIS_FEE = FEE_MEASURES


class DeadlineError(ValueError):
    """Inconsistent clock inputs; the message is fit to show a user."""


# ---------------------------------------------------------------------------------------------
# (a) Receipt date


@dataclass(frozen=True)
class Receipt:
    """The legal receipt date of an application and how it was fixed."""

    date: dt.date
    channel: ReceiptChannel
    basis: str = BASIS_RECEIPT
    late_confirmation: bool = False  # ordinary letter confirmed after the day it arrived


def _local_date(moment: dt.datetime | dt.date) -> dt.date:
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(CHINA_STANDARD_TIME)
        return moment.date()
    return moment


def receipt_date(channel: ReceiptChannel, arrived_at: dt.datetime | dt.date,
                 confirmed_on: dt.date | None = None) -> Receipt:
    """The date of receipt under 条例 Art. 31 (domain facts §1.2).

    ``arrived_at``: when the application was handed in (当面提交), signed for (邮寄签收), or reached
    the agency (letter, online, fax). ``confirmed_on``: the day the 政府信息公开工作机构 confirmed
    with the applicant; required for an ordinary letter (Art. 31(三), 确认之日) and for online or fax
    applications (Art. 31(四), 双方确认之日), ignored otherwise.

    Raises DeadlineError when a required confirmation is missing or precedes the arrival.
    """
    arrived = _local_date(arrived_at)
    if not channel.needs_confirmation:
        return Receipt(arrived, channel)
    if confirmed_on is None:
        raise DeadlineError(f"{channel.label}提交的申请，以与申请人确认之日为收到申请之日，请填写确认日期")
    if confirmed_on < arrived:
        raise DeadlineError(
            f"确认日期 {confirmed_on.isoformat()} 早于申请到达日期 {arrived.isoformat()}，请核对")
    late = channel is ReceiptChannel.LETTER and confirmed_on > arrived
    return Receipt(confirmed_on, channel, late_confirmation=late)


# ---------------------------------------------------------------------------------------------
# (b) The reply due date


class PauseKind(StrEnum):
    THIRD_PARTY = "third_party"  # Art. 32: silence → the agency decides itself
    CO_PRODUCER = "co_producer"  # Art. 34: silence = consent to disclose
    FEE = "fee"  # fee notice sent → fee paid (pause only if configured)

    @property
    def label(self) -> str:
        return {"third_party": "征求第三方意见", "co_producer": "征求共同制作机关意见",
                "fee": "收费通知至缴费"}[self.value]


@dataclass(frozen=True)
class Pause:
    """Time not counted in the reply period: ``start`` the day the consultation letter (or fee
    notice) went out, ``end`` the day the reply (or payment) came in or the consultation closed;
    None while still open."""

    kind: PauseKind
    start: dt.date
    end: dt.date | None = None


@dataclass(frozen=True)
class Correction:
    """One 补正 (Art. 30): ``requested_on`` the day the notice went out, ``received_on`` the day the
    corrected application came in (None while awaited)."""

    requested_on: dt.date
    received_on: dt.date | None = None


@dataclass(frozen=True)
class Extension:
    """The Art. 33 ¶2 extension approved by the head of the 政府信息公开工作机构."""

    approved_on: dt.date
    workdays: int = MAX_EXTENSION_WORKDAYS


@dataclass(frozen=True)
class ClockInputs:
    received_on: dt.date
    correction: Correction | None = None
    pauses: tuple[Pause, ...] = ()
    extension: Extension | None = None


class ClockEffect(StrEnum):
    """What an event does to the reply clock; shared with rules/case_flow."""

    START = "start"
    RESTART = "restart"
    PAUSE_START = "pause_start"
    PAUSE_END = "pause_end"
    EXTEND = "extend"
    NONE = "none"

    @property
    def label(self) -> str:
        return {"start": "开始计算", "restart": "重新计算", "pause_start": "暂停计算", "pause_end": "恢复计算",
                "extend": "延长期限", "none": "不影响期限"}[self.value]


@dataclass(frozen=True)
class Step:
    """One change of the due date, ready to be recorded as a case event."""

    on: dt.date
    effect: ClockEffect
    old_due: dt.date | None
    new_due: dt.date | None
    basis: str
    note: str
    warning: str = ""


@dataclass(frozen=True)
class DueDate:
    """``due`` is None while the clock is stopped (an open pause or an awaited correction); then
    ``remaining_workdays`` says how many working days will be left when it resumes."""

    due: dt.date | None
    limit_workdays: int
    remaining_workdays: int
    trail: tuple[Step, ...] = field(default_factory=tuple)


@dataclass
class _Clock:
    start: dt.date
    limit: int = REPLY_WORKDAYS
    stops: dict[object, tuple[dt.date, dt.date | None]] = field(default_factory=dict)

    def run(self, cal: WorkCalendar) -> tuple[dt.date | None, int]:
        """(due date, working days counted); due is None when an open stop is reached first."""
        cal.require_year(self.start.year)
        day, counted = self.start, 0
        while counted < self.limit:
            day += dt.timedelta(days=1)
            stop = next((s for s in self.stops.values() if s[0] < day and (s[1] is None or day <= s[1])), None)
            if stop is not None:
                if stop[1] is None:
                    return None, counted
                continue
            if is_workday(day, cal):
                counted += 1
        return day, counted


def _check(inputs: ClockInputs) -> None:
    received = inputs.received_on
    if inputs.correction is not None:
        c = inputs.correction
        if c.requested_on < received:
            raise DeadlineError(f"补正通知日期 {c.requested_on.isoformat()} 早于收到申请之日 {received.isoformat()}")
        if c.received_on is not None and c.received_on < c.requested_on:
            raise DeadlineError(f"收到补正日期 {c.received_on.isoformat()} 早于补正通知日期 {c.requested_on.isoformat()}")
    for p in inputs.pauses:
        if p.start < received:
            raise DeadlineError(f"{p.kind.label}开始日期 {p.start.isoformat()} 早于收到申请之日 {received.isoformat()}")
        if p.end is not None and p.end < p.start:
            raise DeadlineError(f"{p.kind.label}结束日期 {p.end.isoformat()} 早于开始日期 {p.start.isoformat()}")
    if inputs.extension is not None:
        e = inputs.extension
        if not 1 <= e.workdays <= MAX_EXTENSION_WORKDAYS:
            raise DeadlineError(f"延长答复期限最长不得超过{MAX_EXTENSION_WORKDAYS}个工作日（申请延长{e.workdays}个工作日）")
        if e.approved_on < received:
            raise DeadlineError(f"延期批准日期 {e.approved_on.isoformat()} 早于收到申请之日 {received.isoformat()}")


@dataclass(frozen=True)
class _Event:
    on: dt.date
    order: int  # on one day: restart 0, pause ends 1, pause starts 2, end of a same-day pause or
    # correction 3, extension 4
    effect: ClockEffect
    key: object  # "correction", "extension" or the index of a pause


def _events(inputs: ClockInputs) -> list[_Event]:
    events: list[_Event] = []
    c = inputs.correction
    if c is not None:
        events.append(_Event(c.requested_on, 2, ClockEffect.PAUSE_START, "correction"))
        if c.received_on is not None:
            # Corrected the day the notice went out: the notice (order 2) comes first, then the restart.
            same_day = c.received_on == c.requested_on
            events.append(_Event(c.received_on, 3 if same_day else 0, ClockEffect.RESTART, "correction"))
    for i, p in enumerate(inputs.pauses):
        events.append(_Event(p.start, 2, ClockEffect.PAUSE_START, i))
        if p.end is not None:
            events.append(_Event(p.end, 1 if p.end > p.start else 3, ClockEffect.PAUSE_END, i))
    if inputs.extension is not None:
        events.append(_Event(inputs.extension.approved_on, 4, ClockEffect.EXTEND, "extension"))
    return sorted(events, key=lambda e: (e.on, e.order))


def _apply(ev: _Event, clock: _Clock, inputs: ClockInputs, due: dt.date | None, fee_pause: bool,
           cal: WorkCalendar) -> tuple[ClockEffect, str, str, str]:
    """Apply one event to the clock; return (effect, basis, note, warning)."""
    if ev.key == "correction":
        if ev.effect is ClockEffect.RESTART:
            clock.start = ev.on
            del clock.stops["correction"]
            return ev.effect, BASIS_CORRECTION, f"收到补正后的申请，重新计算{REPLY_WORKDAYS}个工作日", ""
        clock.stops["correction"] = (ev.on, None)
        late = ev.on > correction_notice_due(inputs.received_on, cal)
        warning = f"补正通知晚于收到申请之日起{CORRECTION_NOTICE_WORKDAYS}个工作日" if late else ""
        return ev.effect, BASIS_CORRECTION, "已发补正通知，答复期限自收到补正后的申请之日起重新计算", warning
    if ev.key == "extension":
        ext = inputs.extension
        if due is not None and ev.on > due:
            raise DeadlineError(f"延期批准日期 {ev.on.isoformat()} 晚于答复期限 {due.isoformat()}，期限届满后不能延长")
        clock.limit += ext.workdays
        return ev.effect, BASIS_EXTENSION, f"经政府信息公开工作机构负责人同意，延长{ext.workdays}个工作日并告知申请人", ""
    pause = inputs.pauses[ev.key]
    basis = BASIS_FEE if pause.kind is PauseKind.FEE else BASIS_CONSULTATION
    if pause.kind is PauseKind.FEE and not fee_pause:
        return ClockEffect.NONE, basis, f"{pause.kind.label}：按配置计入答复期限，不暂停", ""
    clock.stops[ev.key] = (pause.start, None if ev.effect is ClockEffect.PAUSE_START else ev.on)
    if ev.effect is ClockEffect.PAUSE_START:
        return ev.effect, basis, f"{pause.kind.label}，所需时间不计算在答复期限内", ""
    return ev.effect, basis, f"{pause.kind.label}结束，恢复计算", ""


def compute_due_date(inputs: ClockInputs, cal: WorkCalendar, *, fee_pause: bool = False) -> DueDate:
    """The reply due date of a case (条例 Art. 33 ¶2: 20 working days from receipt) after a 补正
    restart (Art. 30), consultation pauses (Art. 33 ¶3 with Art. 32, 34), fee-notice pauses (国办函
    〔2020〕109号, only when ``fee_pause``; see module docstring) and an extension (Art. 33 ¶2).

    Returns the due date (None while the clock is stopped), the limit in force and the trail: one
    Step per event, in date order, with the due date before and after it and its legal basis.
    Raises DeadlineError on inconsistent inputs, and CalendarYearMissing (a CalendarError naming the
    year, e.g. "2027年没有节假日数据…") when the count runs into a year without calendar data.
    """
    _check(inputs)
    clock = _Clock(inputs.received_on)
    due, counted = clock.run(cal)
    trail = [Step(inputs.received_on, ClockEffect.START, None, due, BASIS_REPLY,
                  f"自收到申请之日起{REPLY_WORKDAYS}个工作日内答复")]
    for ev in _events(inputs):
        effect, basis, note, warning = _apply(ev, clock, inputs, trail[-1].new_due, fee_pause, cal)
        old = trail[-1].new_due
        due, counted = clock.run(cal)
        if effect is not ClockEffect.NONE and old is not None and old == due:
            note += "（发生在答复期限最后一日或之后，不影响期限）"
        trail.append(Step(ev.on, effect, old, due, basis, note, warning))
    awaiting_correction = inputs.correction is not None and inputs.correction.received_on is None
    remaining = clock.limit if awaiting_correction else clock.limit - counted  # a restart gives it all back
    return DueDate(due, clock.limit, remaining, tuple(trail))


# ---------------------------------------------------------------------------------------------
# (c) 补正, consultation and fee periods


def correction_notice_due(received_on: dt.date, cal: WorkCalendar) -> dt.date:
    """Last day to send the one-time 补正 notice: 7 working days from receipt (条例 Art. 30)."""
    return add_workdays(received_on, CORRECTION_NOTICE_WORKDAYS, cal)


def consultation_reply_due(letter_received_on: dt.date, cal: WorkCalendar) -> dt.date:
    """Last day for a consulted third party (条例 Art. 32) or co-producing agency (Art. 34) to
    answer: 15 working days from receiving the consultation letter. Silence: under Art. 32 the
    agency decides itself; under Art. 34 it counts as consent to disclose."""
    return add_workdays(letter_received_on, CONSULTATION_REPLY_WORKDAYS, cal)


def fee_payment_due(notice_received_on: dt.date, cal: WorkCalendar) -> dt.date:
    """Last day to pay the 信息处理费: 20 working days counted from the day after the applicant
    received the fee notice (国办函〔2020〕109号, facts §3.4); the receipt day is day 0."""
    return add_workdays(notice_received_on, FEE_PAYMENT_WORKDAYS, cal)


def has_lapsed(last_day: dt.date, done_on: dt.date | None, today: dt.date) -> bool:
    """Whether a period the applicant had to meet ran out: nothing done by the end of ``last_day``.

    Used for the correction period the agency set (条例 Art. 30, 视为放弃申请) and for fee payment
    (国办函〔2020〕109号). A correction or payment after ``last_day`` does not revive the case.
    """
    if done_on is not None:
        return done_on > last_day
    return today > last_day


# ---------------------------------------------------------------------------------------------
# (d) Status on read


class ClockStatus(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    PAUSED = "paused"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"on_time": "办理中", "due_soon": "即将到期", "overdue": "已超期", "paused": "暂停计时",
                "closed": "已办结"}[self.value]


def clock_status(due: dt.date | None, today: dt.date, cal: WorkCalendar, *, closed: bool = False,
                 soon_workdays: int = DUE_SOON_WORKDAYS) -> ClockStatus:
    """A case's deadline status, derived on read (条例 Art. 33 limits).

    CLOSED when the case is closed; PAUSED when the clock is stopped (``due`` None); OVERDUE after
    the due day; DUE_SOON when the due day is at most ``soon_workdays`` working days after today
    (including today itself); ON_TIME otherwise.
    """
    if closed:
        return ClockStatus.CLOSED
    if due is None:
        return ClockStatus.PAUSED
    if today > due:
        return ClockStatus.OVERDUE
    if workdays_between(today, due, cal) <= soon_workdays:
        return ClockStatus.DUE_SOON
    return ClockStatus.ON_TIME

