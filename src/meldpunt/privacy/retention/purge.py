"""Delete rows and every row that depends on them, in bulk, without loading them.

Django's ``QuerySet.delete()`` loads every object to cascade and refuses a PROTECT reference even
when the protecting row is destroyed in the same run (``Weging.used_by`` → ``StateChange``). A
destruction must remove the whole dossier, fast: this walks the model graph instead and issues
one DELETE per related table per chunk. Models added later by other apps (casus minutes,
interventions, insight rows with a foreign key) are found through the same graph, so nothing that
hangs from a destroyed record is forgotten. Files of any FileField are collected for deletion
after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models


class DestructionBlocked(RuntimeError):
    """A row outside the dossier refers to it with a non-nullable PROTECT or RESTRICT key."""


@dataclass
class PurgeResult:
    rows: dict[str, int] = field(default_factory=dict)
    files: list[tuple[object, str]] = field(default_factory=list)  # (storage, name)
    tables: set[str] = field(default_factory=set)  # deleted from or updated: for VACUUM (residue.py)

    def add(self, label: str, count: int) -> None:
        if count:
            self.rows[label] = self.rows.get(label, 0) + count


def _dependent_relations(model):
    """The reverse one-to-many and one-to-one relations, hidden ones (m2m tables) included —
    the same set Django's deletion collector walks. A dependant that another dependant points
    at comes after it (a weging before the state change it was used for), so the referring rows
    are gone before the referred ones and no key has to be released first."""
    relations = [f for f in model._meta.get_fields(include_hidden=True)
                 if f.auto_created and not f.concrete and (f.one_to_one or f.one_to_many)]
    siblings = {r.related_model for r in relations}

    def pointed_at_by(relation) -> int:
        target = relation.related_model
        return sum(1 for other in siblings if other is not target and any(
            f.is_relation and f.many_to_one and f.related_model is target for f in other._meta.concrete_fields))

    return sorted(relations, key=pointed_at_by)


def _collect_files(model, queryset, result: PurgeResult) -> None:
    for file_field in (f for f in model._meta.concrete_fields if isinstance(f, models.FileField)):
        for name in queryset.exclude(**{file_field.attname: ""}).values_list(file_field.attname, flat=True):
            if name:
                result.files.append((file_field.storage, name))


def _purge(model, queryset, result: PurgeResult, depth: int = 0, ids=None) -> None:
    if depth > 10:
        raise DestructionBlocked(f"Te diep geneste verwijzingen bij {model._meta.label}.")
    for relation in _dependent_relations(model):
        child_model = relation.related_model
        child_field = relation.field
        # Direct dependants filter on the id list itself (an index scan on the foreign key);
        # deeper ones on a subquery of their parent.
        parents = ids if ids is not None and child_field.target_field.primary_key else queryset
        children = child_model._base_manager.filter(**{f"{child_field.name}__in": parents})
        on_delete = child_field.remote_field.on_delete
        if on_delete is models.CASCADE:
            _purge(child_model, children, result, depth + 1)
        elif on_delete is models.SET_NULL or (on_delete in (models.PROTECT, models.RESTRICT) and child_field.null):
            # A nullable PROTECT inside the dossier (a weging pointing at the transition it was
            # used for) is released; the referring row goes in its own cascade.
            if children.update(**{child_field.name: None}):
                result.tables.add(child_model._meta.db_table)
        elif on_delete in (models.PROTECT, models.RESTRICT) and children.exists():
            raise DestructionBlocked(f"{child_model._meta.verbose_name} verwijst nog naar dit dossier.")
    _collect_files(model, queryset, result)
    # _raw_delete: one DELETE ... WHERE, no loading, no signals; the dependants are gone already.
    deleted = queryset._raw_delete(queryset.db)
    result.add(model._meta.label, deleted)
    if deleted:
        result.tables.add(model._meta.db_table)


def purge(model, ids, result: PurgeResult | None = None, chunk: int = 20_000) -> PurgeResult:
    """Delete the ``model`` rows with these primary keys and everything hanging from them.

    ``ids`` is a list, or a queryset of ids (e.g. the tombstones just written): then every table
    is purged with one statement that joins on it, instead of one per chunk of literal ids."""
    result = result or PurgeResult()
    if isinstance(ids, models.QuerySet):
        _purge(model, model._base_manager.filter(pk__in=ids), result, ids=ids)
        return result
    for start in range(0, len(ids), chunk):
        part = list(ids[start:start + chunk])
        _purge(model, model._base_manager.filter(pk__in=part), result, ids=part)
    return result
