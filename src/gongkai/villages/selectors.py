"""Read-side queries of the subsidy notices (templates and documents only read these)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from gongkai.core.models import Body, BodyKind
from gongkai.villages import publicity
from gongkai.villages.models import Notice, NoticeStatus, Payout, SubsidyProgramme

ZERO = Decimal("0.00")
FEN = Decimal("0.01")


@dataclass
class ProgrammeBlock:
    programme: SubsidyProgramme
    rows: list[Payout] = field(default_factory=list)
    count: int = 0
    amount: Decimal = ZERO
    notice: Notice | None = None
    has_area: bool = False

    @property
    def published(self) -> bool:
        """The programme's 公示 has been published (a current notice, its period started or over)."""
        return self.notice is not None and self.notice.starts_on <= timezone.localdate()

    @property
    def unpublished_amount(self) -> Decimal:
        """What the payouts hold beyond the published notice's total (a batch imported after the
        notice was published, never itself put through a 公示期): zero when they agree."""
        if self.notice is None:
            return self.amount
        return self.amount - self.notice.total_amount


@dataclass
class VillageYear:
    village: Body
    township: Body
    year: int
    blocks: list[ProgrammeBlock] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((b.amount for b in self.blocks), ZERO)

    @property
    def count(self) -> int:
        return sum(b.count for b in self.blocks)

    @property
    def published_total(self) -> Decimal:
        """The amount of the programmes whose 公示 has been published (what the public year summary
        shows); :attr:`total` counts every programme imported, published or not."""
        return sum((b.amount for b in self.blocks if b.published), ZERO)

    def as_json(self) -> dict:
        """One entry of the ``gongkai subsidy notices --json`` contract: ``total`` is 实发金额 of
        every programme and every imported batch; ``published_total`` only the programmes whose
        公示 has been published (the public year summary's figure)."""
        from gongkai.villages.templatetags.villages_tags import money

        return {"village": self.village.name, "township": self.township.name,
                "programmes": {b.programme.name: {"rows": b.count, "amount": money(b.amount),
                                                  "published": b.published} for b in self.blocks},
                "total": money(self.total), "published_total": money(self.published_total)}


def villages_with_payouts(year: int, *, village: Body | None = None, township: Body | None = None):
    qs = Body.objects.filter(kind=BodyKind.VILLAGE)
    if village is not None:
        qs = qs.filter(pk=village.pk)
    if township is not None:
        qs = qs.filter(path__startswith=township.path)
    ids = Payout.objects.filter(year=year, is_void=False, batch__complete=True).values("village_id")
    return qs.filter(pk__in=ids).order_by("path")


def current_notices(year: int, village_ids) -> dict[tuple[int, int], Notice]:
    notices = (Notice.objects.filter(year=year, village_id__in=village_ids)
               .exclude(status=NoticeStatus.SUPERSEDED).select_related("programme", "corrects"))
    return {(n.village_id, n.programme_id): n for n in notices}


def village_years(year: int, *, village: Body | None = None, township: Body | None = None,
                  with_rows: bool = True) -> list[VillageYear]:
    """Per village of the scope: each programme's rows (when ``with_rows``), count and amount, and
    its current notice. Totals are summed in Decimal, to the fen."""
    villages = list(villages_with_payouts(year, village=village, township=township))
    if not villages:
        return []
    townships = {b.path: b for b in Body.objects.filter(kind=BodyKind.TOWNSHIP)}
    programmes = {p.pk: p for p in SubsidyProgramme.objects.all()}
    notices = current_notices(year, [v.pk for v in villages])
    by_village = {v.pk: VillageYear(v, townships.get(v.path[: -Body.steplen]), year) for v in villages}
    blocks: dict[tuple[int, int], ProgrammeBlock] = {}
    agg = (Payout.objects.filter(year=year, is_void=False, batch__complete=True, village_id__in=list(by_village))
           .values("village_id", "programme_id")
           .annotate(n=Count("pk"), total=Sum("amount"), areas=Count("pk", filter=Q(area__isnull=False))))
    for row in agg:
        # A sum arrives as a float on SQLite (Decimal('10293.7800000000')): back to the fen.
        block = ProgrammeBlock(programmes[row["programme_id"]], count=row["n"],
                               amount=Decimal(str(row["total"] or ZERO)).quantize(FEN),
                               notice=notices.get((row["village_id"], row["programme_id"])),
                               has_area=bool(row["areas"]))
        blocks[(row["village_id"], row["programme_id"])] = block
    if with_rows:
        rows = (Payout.objects.filter(year=year, is_void=False, batch__complete=True, village_id__in=list(by_village))
                .only("village_id", "programme_id", "name", "id_masked", "account_masked", "area", "standard",
                      "amount", "paid_on", "row_number").order_by("village_id", "programme_id", "row_number", "pk"))
        for p in rows.iterator(chunk_size=5000):
            blocks[(p.village_id, p.programme_id)].rows.append(p)
    for (village_id, _), block in sorted(blocks.items(), key=lambda kv: (kv[1].programme.position,
                                                                          kv[1].programme.name)):
        by_village[village_id].blocks.append(block)
    return list(by_village.values())


def public_phase(notice: Notice, today: dt.date) -> publicity.Phase:
    """Derived on read: a notice whose period has ended shows only its summary even before the
    archive job has run."""
    if notice.status != NoticeStatus.OPEN:
        return publicity.Phase.ENDED
    return publicity.phase(notice.starts_on, notice.ends_on, today)


# --- The admin workbench (issue 14 §1) -----------------------------------------------------------

def pending_objections(user) -> dict[int, int]:
    """{township id: objections waiting for an answer} on notices ``user`` may decide objections to
    (rules.can_handle_objection: the township's staff and the county office)."""
    from gongkai.core import rules
    from gongkai.villages.models import Objection, ObjectionStatus

    rows = (Objection.objects.filter(status=ObjectionStatus.PENDING).order_by()
            .values("notice__village_id").annotate(n=Count("pk")))
    counts = {row["notice__village_id"]: row["n"] for row in rows}
    villages = Body.objects.in_bulk(list(counts))
    townships = {t.path: t for t in Body.objects.filter(path__in={v.path[:-Body.steplen] for v in villages.values()})}
    out: dict[int, int] = {}
    for pk, n in counts.items():
        village, township = villages[pk], townships.get(villages[pk].path[:-Body.steplen])
        if township is None:
            continue
        village._cached_parent_obj = township  # treebeard's parent cache: no query per village in the rule
        if rules.can_handle_objection(user, Notice(village=village)):
            out[township.pk] = out.get(township.pk, 0) + n
    return out


def failed_imports(user) -> dict[int, int]:
    """{body id: payout imports that failed and were not followed by a successful import of the same
    programme, year and body} among the bodies ``user`` imports for (import_jobs.import_scopes)."""
    from gongkai.villages.import_jobs import import_scopes
    from gongkai.villages.models import ImportJob, ImportJobStatus

    scopes = import_scopes(user)
    if not scopes:
        return {}
    jobs = ImportJob.objects.filter(body__in=scopes, status__in=[ImportJobStatus.FAILED, ImportJobStatus.SUCCEEDED])
    succeeded: dict[tuple, dt.datetime] = {}
    failed = []
    for body_id, programme_id, year, status, created_at in jobs.order_by().values_list(
            "body_id", "programme_id", "year", "status", "created_at"):
        key = (body_id, programme_id, year)
        if status == ImportJobStatus.SUCCEEDED:
            succeeded[key] = max(created_at, succeeded.get(key, created_at))
        else:
            failed.append((key, created_at))
    counts: dict[int, int] = {}
    for key, created_at in failed:
        if key not in succeeded or succeeded[key] < created_at:
            counts[key[0]] = counts.get(key[0], 0) + 1
    return counts
