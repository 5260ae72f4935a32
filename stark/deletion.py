"""What deleting some rows would take with it (cascade), or why it is blocked (PROTECT)."""

from dataclasses import dataclass, field

from django.db import models, router
from django.db.models.deletion import Collector, ProtectedError, RestrictedError

#: How many related rows are named per model; the rest are only counted.
NAMES_PER_MODEL = 3


@dataclass
class ModelSummary:
    verbose_name: str
    count: int
    names: list[str]

    @property
    def more(self) -> int:
        return self.count - len(self.names)


@dataclass
class DeletionSummary:
    cascades: list[ModelSummary] = field(default_factory=list)
    blocked_by: list[ModelSummary] = field(default_factory=list)

    @property
    def is_blocked(self) -> bool:
        return bool(self.blocked_by)


def _summarise(objs_by_model: dict[type[models.Model], list]) -> list[ModelSummary]:
    summaries = []
    for model, objs in objs_by_model.items():
        name = model._meta.verbose_name if len(objs) == 1 else model._meta.verbose_name_plural
        summaries.append(ModelSummary(str(name), len(objs), [str(obj) for obj in objs[:NAMES_PER_MODEL]]))
    return summaries


def summarise_deletion(objs: list[models.Model] | models.QuerySet) -> DeletionSummary:
    """Counts and a few names per related model that would be deleted with ``objs``."""
    objs = list(objs)
    if not objs:
        return DeletionSummary()
    collector = Collector(using=router.db_for_write(type(objs[0]), instance=objs[0]))
    try:
        collector.collect(objs)
    except (ProtectedError, RestrictedError) as exc:
        blocking = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        by_model: dict[type[models.Model], list] = {}
        for obj in blocking:
            by_model.setdefault(type(obj), []).append(obj)
        return DeletionSummary(blocked_by=_summarise(by_model))
    own = {obj.pk for obj in objs}
    by_model = {}
    for model, instances in collector.data.items():
        if model._meta.auto_created:  # M2M link rows: not something a user thinks of as data
            continue
        others = [obj for obj in instances if not (model is type(objs[0]) and obj.pk in own)]
        if others:
            by_model[model] = sorted(others, key=lambda obj: obj.pk)
    summaries = _summarise(by_model)
    # Fast deletes are not loaded by the collector; count them and name only a few.
    for queryset in collector.fast_deletes:
        if queryset.model._meta.auto_created:
            continue
        count = queryset.count()
        if count:
            opts = queryset.model._meta
            name = opts.verbose_name if count == 1 else opts.verbose_name_plural
            names = [str(obj) for obj in queryset.order_by("pk")[:NAMES_PER_MODEL]]
            summaries.append(ModelSummary(str(name), count, names))
    return DeletionSummary(cascades=summaries)
