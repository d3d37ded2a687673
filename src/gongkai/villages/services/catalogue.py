"""村务公开目录: adopting the standard catalogue, local items, changing, stopping and restoring
items, and posting an item (issue 7 point 1).

Each function checks its ``can_*`` rule, validates (ServiceError with Chinese messages, per field
where a form shows them), changes state in one transaction and appends one audit entry.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.core import audit, rules
from gongkai.core.actors import actor_label
from gongkai.core.models import Body, BodyKind
from gongkai.core.services import ServiceError, require
from gongkai.villages import catalogue_photos, catalogue_schedule, catalogue_standard
from gongkai.villages.catalogue_photos import PhotoError
from gongkai.villages.catalogue_schedule import Cadence, PeriodError
from gongkai.villages.models import (
    AffairsCategory,
    CataloguePosting,
    PostingPhoto,
    VillageCatalogue,
    VillageCatalogueItem,
)

MAX_TEXT_CHARS = 20_000


def _village(body: Body) -> Body:
    if body.kind != BodyKind.VILLAGE:
        raise ServiceError(f"“{body.name}”不是村（社区），没有村务公开目录")
    return body


def adopt_catalogue(actor, village: Body, *, today: dt.date | None = None) -> VillageCatalogue:
    """Give ``village`` its 村务公开目录: a copy of every standard item. Periods that ended before
    ``today`` (the adoption date) are never due. Raises ServiceError if it already has one."""
    _village(village)
    require(rules.can_manage_village_catalogue(actor, village), "无权为该村（社区）启用村务公开目录")
    today = today or timezone.localdate()
    with transaction.atomic():
        if VillageCatalogue.objects.select_for_update().filter(village=village).exists():
            raise ServiceError(f"{village.name}已经启用了村务公开目录")
        catalogue = VillageCatalogue.objects.create(village=village, adopted_on=today,
                                                    standard_version=catalogue_standard.VERSION,
                                                    adopted_by=actor_label(actor)[:150])
        items = [VillageCatalogueItem(catalogue=catalogue, category=s.category, name=s.name, content=s.content,
                                      basis=s.basis, cadence=s.cadence.value, standard_code=s.code,
                                      position=s.position)
                 for s in catalogue_standard.standard_items()]
        VillageCatalogueItem.objects.bulk_create(items)
        audit.record("village.catalogue_adopted", actor, catalogue,
                     {"village": village.pk, "version": catalogue.standard_version, "items": len(items),
                      "adopted_on": today}, scope=village)
    return catalogue


def _item_errors(*, category: str | None, name: str, cadence: str, basis: str, content: str) -> dict[str, list[str]]:
    """Per-field errors of an item's editable values (``category`` None: not being set)."""
    errors: dict[str, list[str]] = {}
    if category is not None and category not in AffairsCategory.values:
        errors["category"] = ["请选择党务、村务或财务"]
    if cadence not in {c.value for c in Cadence}:
        errors["cadence"] = ["请选择每月、每季度、每年或事时"]
    if not name:
        errors["name"] = ["请填写公开事项名称"]
    elif len(name) > 60:
        errors["name"] = ["公开事项名称不能超过60个字"]
    if len(basis) > 200:
        errors["basis"] = ["公开依据不能超过200个字"]
    if len(content) > 2000:
        errors["content"] = ["公开内容不能超过2000个字"]
    return errors


def add_local_item(actor, village: Body, *, category: str, name: str, cadence: str, content: str = "",
                   basis: str = "") -> VillageCatalogueItem:
    """Add a local item (地方特色事项) to ``village``'s catalogue."""
    _village(village)
    require(rules.can_manage_village_catalogue(actor, village), "无权修改该村（社区）的村务公开目录")
    name, content, basis = (name or "").strip(), (content or "").strip(), (basis or "").strip()
    errors = _item_errors(category=category, name=name, cadence=cadence, basis=basis, content=content)
    catalogue = VillageCatalogue.objects.filter(village=village).first()
    if catalogue is None:
        errors.setdefault("__all__", []).append(f"{village.name}还没有启用村务公开目录")
    elif name and "name" not in errors and catalogue.items.filter(name=name).exists():
        errors["name"] = [f"目录中已有“{name}”"]
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        position = (catalogue.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        item = VillageCatalogueItem.objects.create(catalogue=catalogue, category=category, name=name,
                                                   content=content, basis=basis, cadence=cadence, position=position)
        audit.record("village.item_added", actor, item, {"village": village.pk, "category": category,
                                                         "cadence": cadence}, scope=village)
    return item


def update_item(actor, item: VillageCatalogueItem, *, name: str, cadence: str, content: str = "",
                basis: str = "") -> VillageCatalogueItem:
    """Change an item's wording, basis or cadence (a village with much financial traffic moves 财务收支
    from quarterly to monthly, 村民委员会组织法第三十条).

    A standard item keeps its standard name, so that the township and the county compare like with
    like. The cadence cannot change once the item has postings: their periods (``2026-Q3``) were
    counted under the old one; stop the item and add a new one instead. Audited with the old and
    new values."""
    village = item.catalogue.village
    require(rules.can_manage_village_catalogue(actor, village), "无权修改该村（社区）的村务公开目录")
    name, content, basis = (name or "").strip(), (content or "").strip(), (basis or "").strip()
    errors = _item_errors(category=None, name=name, cadence=cadence, basis=basis, content=content)
    if not item.is_local and name and name != item.name:
        errors["name"] = ["标准事项不能改名；如本村做法不同，可修改公开内容，或停用后新增本村事项"]
    elif name and "name" not in errors and item.catalogue.items.filter(name=name).exclude(pk=item.pk).exists():
        errors["name"] = [f"目录中已有“{name}”"]
    if cadence != item.cadence and "cadence" not in errors and item.postings.exists():
        errors["cadence"] = ["该事项已有公开记录，不能改变公开时间；请停用本事项，再按新的公开时间新增事项"]
    if errors:
        raise ServiceError(errors)
    before = {"name": item.name, "cadence": item.cadence, "content": item.content, "basis": item.basis}
    after = {"name": name, "cadence": cadence, "content": content, "basis": basis}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changed:
        return item
    with transaction.atomic():
        for key, value in after.items():
            setattr(item, key, value)
        item.save(update_fields=list(after))
        audit.record("village.item_changed", actor, item, {"village": village.pk, "changed": changed},
                     scope=village)
    return item


def stop_item(actor, item: VillageCatalogueItem, *, reason: str, today: dt.date | None = None) -> None:
    """Stop an item (本村不涉及, merged into another item, …): it is no longer due and no longer
    offered for posting; what was posted under it stays on the public page. A reason is required."""
    village = item.catalogue.village
    require(rules.can_manage_village_catalogue(actor, village), "无权修改该村（社区）的村务公开目录")
    reason = (reason or "").strip()
    if not item.is_active:
        raise ServiceError(f"“{item.name}”已经停用")
    if not reason:
        raise ServiceError({"reason": ["请说明停用原因，如：本村没有集体林地，不涉及该事项"]})
    if len(reason) > 200:
        raise ServiceError({"reason": ["停用原因不能超过200个字"]})
    today = today or timezone.localdate()
    with transaction.atomic():
        item.is_active, item.stopped_on, item.stopped_reason = False, today, reason
        item.save(update_fields=["is_active", "stopped_on", "stopped_reason"])
        audit.record("village.item_stopped", actor, item, {"village": village.pk, "item_name": item.name,
                                                           "reason": reason, "stopped_on": today}, scope=village)


def restore_item(actor, item: VillageCatalogueItem, *, today: dt.date | None = None) -> None:
    """Put a stopped item back in use. Periods that ended while it was stopped are not counted as
    late: the item's periods count from the later of adoption and restoration (``due_from``)."""
    village = item.catalogue.village
    require(rules.can_manage_village_catalogue(actor, village), "无权修改该村（社区）的村务公开目录")
    if item.is_active:
        raise ServiceError(f"“{item.name}”正在使用，无需恢复")
    with transaction.atomic():
        stopped = {"stopped_on": item.stopped_on, "reason": item.stopped_reason}
        item.is_active, item.stopped_on, item.stopped_reason = True, None, ""
        item.restored_on = today or timezone.localdate()
        item.save(update_fields=["is_active", "stopped_on", "stopped_reason", "restored_on"])
        audit.record("village.item_restored", actor, item, {"village": village.pk, "item_name": item.name,
                                                            **stopped}, scope=village)


def text_findings(title: str, text: str, caption: str = "") -> list[str]:
    """The privacy gate on a posting as the public will read it (public source
    ``villages.posting``): one Chinese line per finding, with where it is and its masked context.
    The county's published office phones and e-mails are allowed, as everywhere."""
    from gongkai.privacy.public_sources import TextPart, scan_parts

    scan = scan_parts([TextPart("标题", title), TextPart("公开内容", text), TextPart("照片说明", caption)])
    return scan.lines()


def post_item(actor, item: VillageCatalogueItem, *, title: str, text: str, photos: list[tuple[str, bytes]],
              photos_checked: bool, period_key: str = "", posted_on: dt.date | None = None, caption: str = "",
              today: dt.date | None = None) -> CataloguePosting:
    """Record that ``item`` was posted on the village board for a period (``period_key`` such as
    ``2026-11``; empty for a 事时 item), with its text and one or more photos of the board.

    Refuses (ServiceError, per field): a period of the wrong shape, in the future, or already
    posted; an empty title or text; text in which the privacy guard finds personal data; no photo,
    too many, or a photo that is not a readable JPEG/PNG/WebP within the size limit; photos whose
    freedom from personal data the clerk has not confirmed (an image cannot be scanned). Nothing is
    written on refusal, not even a photo file."""
    village = item.catalogue.village
    require(rules.can_post_village_affairs(actor, village), "只能为本村（社区）发布村务公开事项")
    if not item.is_active:
        raise ServiceError(f"“{item.name}”已停用，不能再发布；如需公开，请先恢复该事项")
    today = today or timezone.localdate()
    posted_on = posted_on or today
    errors: dict[str, list[str]] = {}
    title, text, caption = (title or "").strip(), (text or "").strip(), (caption or "").strip()

    period = None
    if item.cadence == Cadence.EVENT:
        period_start = period_end = posted_on
        period_key = ""
    else:
        try:
            period = catalogue_schedule.period_for_key(item.cadence, period_key or "")
        except PeriodError as exc:
            errors["period_key"] = [str(exc) if period_key else "请选择公开的期次"]
        else:
            period_start, period_end = period.start, period.end
            if period.start > today:
                errors["period_key"] = [f"{period.label}尚未开始，不能提前登记"]
            else:
                earlier = item.postings.filter(period_key=period.key).first()
                if earlier is not None:
                    errors["period_key"] = [f"“{item.name}”{period.label}已于{earlier.posted_on:%Y年%m月%d日}公开过"]
    if posted_on > today:
        errors["posted_on"] = ["张贴日期不能晚于今天"]
    if not title:
        errors["title"] = ["请填写标题"]
    elif len(title) > 120:
        errors["title"] = ["标题不能超过120个字"]
    if not text:
        errors["text"] = ["请填写公开内容"]
    elif len(text) > MAX_TEXT_CHARS:
        errors["text"] = [f"公开内容不能超过{MAX_TEXT_CHARS}个字"]
    if len(caption) > 150:
        errors["caption"] = ["照片说明不能超过150个字"]
    found = text_findings(title, text, caption) if title or text or caption else []
    if found:
        errors.setdefault("text", []).append(
            "内容中有个人信息，按规定不得公开，请删除或遮盖（如身份证号只保留前6位和后4位）后再提交：" + "；".join(found))
    prepared: list[catalogue_photos.PreparedPhoto] = []
    photo_errors: list[str] = []
    try:
        catalogue_photos.check_count(len(photos))
    except PhotoError as exc:
        photo_errors.append(str(exc))
    else:
        for name, data in photos:
            try:
                prepared.append(catalogue_photos.prepare_photo(name, data))
            except PhotoError as exc:
                photo_errors.append(str(exc))
    if photo_errors:
        errors["photos"] = photo_errors
    if not photos_checked:
        errors["photos_checked"] = ["请确认照片中没有身份证号、银行账号、手机号码等个人信息（照片无法自动检查）"]
    if errors:
        raise ServiceError(errors)

    saved: list[str] = []
    try:
        with transaction.atomic():
            posting = CataloguePosting.objects.create(
                item=item, period_key=period.key if period else "", period_start=period_start,
                period_end=period_end, title=title, text=text, posted_on=posted_on, posted_at=timezone.now(),
                posted_by=actor_label(actor)[:150], photos_checked=True)
            what = f"{village.name}公开栏张贴的“{item.name}”" + (f"（{period.label}）" if period else "")
            for i, photo in enumerate(prepared, start=1):
                alt = f"{caption or what}照片，第{i}张，共{len(prepared)}张"
                record = PostingPhoto(posting=posting, alt_text=alt[:200], sha256=photo.sha256, position=i)
                record.image.save(f"{posting.pk}-{i}.jpg", ContentFile(photo.data), save=False)
                saved.append(record.image.name)
                record.width, record.height = photo.width, photo.height  # known: no second decode
                record.save()
            audit.record("village.item_posted", actor, posting, {
                "village": village.pk, "item": item.pk, "item_name": item.name, "period": posting.period_key,
                "posted_on": posted_on, "photos": [p.sha256 for p in prepared]}, scope=village)
    except IntegrityError:
        _remove(saved)
        raise ServiceError({"period_key": [f"“{item.name}”这一期已经公开过"]}) from None
    except BaseException:
        _remove(saved)
        raise
    return posting


def _remove(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            pass
