"""One workflow mechanism for every status field (django-fsm-2; see docs/decisions.md, issue 13).

A model declares its states as a protected `state_field(...)` and each allowed move as a method decorated with
`transition(field=..., source=..., target=..., conditions=[guard(...)], permission=rule(...))`. Nothing
else changes a status: assigning the field of a loaded row raises, and `move()` is the only caller of the
transition methods. `move()` locks the row, checks the map, the guards (which say which fact is missing
and where to fix it) and the mover's permission, saves, and writes the history row and the audit entry in
the same transaction. Moves the portal makes itself (a document approved by all parties) pass
`system=True`: they skip the permission, never the map or the guards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import FSMField, FSMFieldMixin, FSMModelMixin, Transition, TransitionNotAllowed, transition

from . import audit
from .models import AuditEntry, StatusChange

__all__ = [
    "Missing",
    "Refused",
    "WorkflowModel",
    "available_moves",
    "blocked_moves",
    "guard",
    "missing_facts",
    "move",
    "rule",
    "state_field",
    "system_only",
    "transition",
]


def state_field(choices, default, *, max_length: int = 20, verbose_name=None) -> FSMField:
    """A status column that only its declared transitions may change."""
    return FSMField(
        verbose_name or gettext_lazy("status"),
        max_length=max_length,
        choices=choices,
        default=default,
        protected=True,
        editable=False,
    )


@dataclass(frozen=True)
class Missing:
    """A fact a move needs and does not have yet, with the place where it is put right."""

    message: str
    url: str = ""
    link_text: str = ""
    key: str = ""  # names the fact for code that offers an alternative (e.g. "assessment")


def guard(check: Callable[[models.Model], Iterable[Missing]]):
    """Turn `check(instance) -> [Missing, …]` into a django-fsm condition that also says what is missing."""

    def condition(instance) -> bool:
        return not list(check(instance))

    condition.missing = check  # type: ignore[attr-defined]
    condition.__name__ = getattr(check, "__name__", "guard")
    condition.__doc__ = check.__doc__
    return condition


def rule(dotted_path: str, *, of: str = ""):
    """A transition permission answered by a predicate of an `<app>/access.py`, `predicate(user, obj)`,
    imported when first asked (models cannot import their access module at class creation). `of` names the
    attribute the predicate is asked about instead of the record itself (e.g. of="mobility": who may move an
    assessment is who may assess its mobility)."""

    def permission(instance, user) -> bool:
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        return bool(import_string(dotted_path)(user, getattr(instance, of) if of else instance))

    permission.rule = dotted_path  # type: ignore[attr-defined]
    return permission


def system_only(instance, user) -> bool:
    """Permission of moves only the portal makes (e.g. after a document's last approval)."""
    return False


class Refused(ValidationError):
    """A move that the map or a guard does not allow; `missing` lists what would allow it."""

    def __init__(self, message, missing: Iterable[Missing] = ()):
        super().__init__(message)
        self.missing = list(missing)


class WorkflowModel(FSMModelMixin, models.Model):
    """Base of every model with a status field (lets `refresh_from_db` reload protected fields)."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        # Django's validation assigns every field it cleans; a status is not a form value (its moves check it).
        protected = {f.name for f in self._meta.concrete_fields if isinstance(f, FSMFieldMixin) and f.protected}
        super().clean_fields(exclude=set(exclude or ()) | protected)

    def workflow_scope(self):
        """(partnership, organisation) that scope this record's history and audit entries."""
        return None, None

    def record_state_change(self, *, field: str, name: str, source: str, target: str, by, reason: str) -> None:
        partnership, organisation = self.workflow_scope()
        StatusChange.objects.create(
            content_type=ContentType.objects.get_for_model(type(self), for_concrete_model=True),
            object_id=self.pk,
            field=field,
            transition=name,
            from_state=source,
            to_state=target,
            by=by if getattr(by, "is_authenticated", False) else None,
            reason=reason,
            partnership=partnership,
            organisation=organisation,
        )

    def state_history(self, field: str = "status"):
        return StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(type(self), for_concrete_model=True),
            object_id=self.pk,
            field=field,
        ).select_related("by")


def _meta(obj, name: str):
    method = getattr(obj, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise TypeError(f"{type(obj).__name__}.{name} is not a workflow move")
    return method, meta


def _transition(obj, name: str) -> Transition | None:
    _method, meta = _meta(obj, name)
    return meta.get_transition(getattr(obj, meta.field.name))


def declared_transition(obj, name: str) -> Transition | None:
    """The move `name` as declared from the record's current state, or None (not a move, or not from here)."""
    if not hasattr(getattr(obj, name, None), "_django_fsm"):
        return None
    return _transition(obj, name)


def label_of(obj, field: str, state: str) -> str:
    choices = dict(obj._meta.get_field(field).flatchoices)
    return str(choices.get(state, state))


def move_label(obj, name: str) -> str:
    """The move's label as declared (`custom={"label": …}`), for buttons and messages."""
    _method, meta = _meta(obj, name)
    for declared in meta.transitions.values():
        if (declared.custom or {}).get("label"):
            return str(declared.custom["label"])
    return name.replace("_", " ")


def missing_facts(obj, name: str) -> list[Missing]:
    """What the guards of move `name` from the current state still miss (empty: the move may be made)."""
    found = _transition(obj, name)
    if found is None:
        return []
    out: list[Missing] = []
    for condition in found.conditions:
        check = getattr(condition, "missing", None)
        if check is not None:
            out.extend(check(obj))
        elif not condition(obj):
            out.append(Missing(_("A condition of this move is not met.")))
    return out


def _moves(obj, field: str) -> list[Transition]:
    """The moves declared from the record's current state (django-fsm resolves "*" and "+" sources)."""
    names = obj._meta.get_field(field).transitions.get(type(obj), {})
    return [found for found in (_transition(obj, name) for name in names) if found is not None]


def available_moves(obj, user, field: str = "status") -> list[Transition]:
    """Moves this user may make now: on the map, every guard met, permitted (for buttons)."""
    return [t for t in _moves(obj, field) if t.has_perm(obj, user) and not missing_facts(obj, t.name)]


def blocked_moves(obj, user, field: str = "status") -> list[tuple[Transition, list[Missing]]]:
    """Moves this user could make from here once the missing facts exist (for "what is missing" hints)."""
    out = []
    for t in _moves(obj, field):
        explain_to = (t.custom or {}).get("explain_to")
        if t.has_perm(obj, user) or (explain_to and rule(explain_to)(obj, user)):
            missing = missing_facts(obj, t.name)
            if missing:
                out.append((t, missing))
    return out


@transaction.atomic
def move(
    obj,
    name: str,
    *,
    by=None,
    reason: str = "",
    request=None,
    system: bool = False,
    verb: str = AuditEntry.Verb.STATE_CHANGED,
    details: dict | None = None,
    update_fields: Iterable[str] = (),
    **kwargs,
):
    """Make move `name` on `obj`, or refuse (`Refused`, `PermissionDenied`) and change nothing."""
    method, meta = _meta(obj, name)
    field = meta.field
    source = getattr(obj, field.name)
    if obj.pk is not None:
        stored = type(obj)._default_manager.select_for_update().filter(pk=obj.pk).values_list(field.attname, flat=True)
        stored = stored.first()
        if stored != source:
            raise Refused(_("This record was changed meanwhile; reload the page and try again."))
    found = meta.get_transition(source)
    if found is None:
        raise Refused(
            _("“%(action)s” is not possible while the %(model)s is “%(current)s”.")
            % {
                "action": move_label(obj, name),
                "model": obj._meta.verbose_name,
                "current": label_of(obj, field.name, source),
            }
        )
    reason = (reason or "").strip()
    if (found.custom or {}).get("reason_required") and not reason:
        raise Refused(_("Give a reason."))
    missing = missing_facts(obj, name)
    if missing:
        raise Refused(
            _("Not yet possible: %(facts)s") % {"facts": "; ".join(m.message for m in missing)}, missing=missing
        )
    if not system and not found.has_perm(obj, by):
        raise PermissionDenied(_("You may not make this change."))
    try:
        result = method(**kwargs)
    except TransitionNotAllowed as error:  # a guard changed between the check and the call
        raise Refused(_("This change is not possible now.")) from error
    target = getattr(obj, field.name)
    # The status, the fields the transition method sets (declared as custom={"update_fields": [...]}) and
    # those the caller changed before the move.
    names = [field.attname, *(found.custom or {}).get("update_fields", ()), *update_fields]
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        names.append("updated_at")
    obj.save(update_fields=list(dict.fromkeys(names)))
    obj.record_state_change(field=field.name, name=name, source=source, target=target, by=by, reason=reason)
    partnership, organisation = obj.workflow_scope()
    audit.record(
        actor=by,
        verb=verb,
        obj=obj,
        request=request,
        partnership=partnership,
        organisation=organisation,
        details={"field": field.name, "from": source, "to": target, "move": name, "reason": reason, **(details or {})},
    )
    return result
