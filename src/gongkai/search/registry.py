"""Which models are searchable, and how an instance becomes a search entry.

A model is registered once, with a function that maps an instance to a
:class:`~gongkai.search.api.Document` (or ``None`` when the instance must not be found: a draft,
a withdrawn or expired record) and, for rebuilds, the queryset of candidates::

    search.register(Record, document=record_document, queryset=lambda: Record.objects.live())

Entries of registered models are keyed ``"<app_label>.<model_name>:<pk>"`` (:func:`key_for`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model, QuerySet
from django.utils import timezone

from gongkai.search import api


@dataclass(frozen=True)
class Registration:
    model: type[Model]
    document: Callable[[Model], api.Document | None]
    queryset: Callable[[], QuerySet]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


_registry: dict[type[Model], Registration] = {}


def register(model: type[Model], document: Callable | None = None, *, queryset: Callable[[], QuerySet] | None = None):
    """Register ``model`` with its ``document(instance) -> Document | None`` function.

    ``queryset`` returns the instances :func:`rebuild` walks (default: all of them;
    ``document`` still decides for each). Usable as a decorator::

        @search.register(Record, queryset=lambda: Record.objects.live())
        def record_document(record): ...

    Registering a model twice replaces the earlier registration (module reloads in development).
    Call it from the model's app (``AppConfig.ready``).
    """

    def decorator(func: Callable[[Model], api.Document | None]):
        _registry[model] = Registration(model, func, queryset or (lambda: model._default_manager.all()))
        return func

    if document is not None:
        decorator(document)
        return document
    return decorator


def registrations() -> list[Registration]:
    """The registered models, in registration order."""
    return list(_registry.values())


def registration_for(instance_or_model) -> Registration:
    """The registration of a model or instance (or of its nearest registered parent class, so a
    Wagtail page fetched through a parent model is still found). ``LookupError`` if none."""
    model = instance_or_model if isinstance(instance_or_model, type) else type(instance_or_model)
    for cls in model.__mro__:
        if cls in _registry:
            return _registry[cls]
    raise LookupError(f"{model.__name__} is not registered for search")


def key_for(instance: Model) -> str:
    """The search key of a registered model instance: ``"<app_label>.<model_name>:<pk>"``."""
    if instance.pk is None:
        raise ValueError("an unsaved instance has no search key")
    return f"{registration_for(instance).label}:{instance.pk}"


def index_instance(instance: Model, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Bring the entry of ``instance`` up to date: index it, or remove it when ``document()``
    returns None. Returns whether the instance is now in the index."""
    registration = registration_for(instance)
    document = registration.document(instance)
    key = key_for(instance)
    if document is None:
        api.remove(key, using=using)
        return False
    api.index_many([(key, document)], using=using)
    return True


def remove_instance(instance: Model, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Remove the entry of ``instance``; return whether there was one."""
    return api.remove(key_for(instance), using=using)


@dataclass(frozen=True)
class RebuildResult:
    label: str
    indexed: int
    removed: int


def rebuild(models: list[type[Model]] | None = None, *, using: str = DEFAULT_DB_ALIAS,
            batch_size: int = api.BATCH_SIZE) -> list[RebuildResult]:
    """Re-index every instance of the given registered models (default: all of them) and remove
    their entries that are no longer produced (deleted instances, ``document()`` now None).

    Mark and sweep: entries written by this run carry a newer ``indexed_at``; afterwards the
    model's older entries are removed. Safe to interrupt and rerun.
    """
    from gongkai.search.models import SearchEntry

    targets = [registration_for(m) for m in models] if models else registrations()
    results = []
    for registration in targets:
        started = timezone.now()

        def documents(registration=registration):
            for instance in registration.queryset().iterator(chunk_size=batch_size):
                document = registration.document(instance)
                if document is not None:
                    yield f"{registration.label}:{instance.pk}", document

        indexed = api.index_many(documents(), using=using, batch_size=batch_size)
        stale = (SearchEntry.objects.using(using)
                 .filter(key__startswith=f"{registration.label}:", indexed_at__lt=started)
                 .values_list("key", flat=True))
        removed = api.remove_many(list(stale), using=using)
        results.append(RebuildResult(registration.label, indexed, removed))
    return results
