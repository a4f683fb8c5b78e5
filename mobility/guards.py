"""The facts that allow each move of a mobility's status (issue 13: state follows documents).

Each guard returns the facts still missing, each with the page where it is put right; an empty list lets the
move happen. The ECVET documents live in `ecvet`, above this app, so their facts come from providers that
`ecvet` registers at start-up (`register`); this module never imports `ecvet`.

For a mobility that uses ECVET (the default):
- *agreed*: the Learning Agreement is in force (approved by all parties) — ecvet's provider;
- *in mobility*: the first day of the stay has come;
- *completed*: the last day of the stay has come, and the mentor's assessment is submitted or a reason why
  there is none is recorded;
- *recognised*: recognition recorded on the approved Personal Transcript — ecvet's provider; the transcript
  service makes this move, nobody else.
For a mobility without ECVET (e.g. staff mobility), the same dates, and instead of the documents:
- *agreed*: a mentor at the host and the planned learning activities are written down;
- *completed*: every checklist item due by the end of the stay is done (items that only the ECVET chain can
  tick are left out);
- *recognised*: does not apply (nothing is recognised without ECVET units); *completed* is its last state.
Cancelling is possible from every open state, with a reason (no guard).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from partners.workflow import Missing

_providers: dict[str, list[Callable]] = {}


def register(move: str, provider: Callable) -> None:
    """Let an app above `mobility` supply the facts of a move: `provider(mobility) -> [Missing, …]`."""
    if provider not in _providers.setdefault(move, []):
        _providers[move].append(provider)


def _provided(move: str, mobility) -> list[Missing]:
    out: list[Missing] = []
    for provider in _providers.get(move, ()):
        out.extend(provider(mobility))
    return out


def _today() -> date:
    return timezone.localdate()


def agree(mobility) -> list[Missing]:
    if mobility.uses_ecvet:
        return _provided("agree", mobility)
    missing = []
    edit = reverse("mobility:mobility_edit", kwargs={"code": mobility.code})
    if not mobility.mentor_id:
        missing.append(Missing(_("No mentor at the host is named."), edit, _("Name the mentor")))
    if not mobility.planned_activities.strip():
        missing.append(
            Missing(_("The planned learning activities are not written down."), edit, _("Describe the activities"))
        )
    return missing


def start(mobility) -> list[Missing]:
    if mobility.start_date > _today():
        return [
            Missing(
                _("The stay starts on %(date)s.") % {"date": date_format(mobility.start_date)},
                mobility.get_absolute_url(),
                _("Check the dates"),
            )
        ]
    return []


def complete(mobility) -> list[Missing]:
    missing = []
    if mobility.end_date > _today():
        missing.append(
            Missing(
                _("The stay ends on %(date)s.") % {"date": date_format(mobility.end_date)},
                mobility.get_absolute_url(),
                _("Check the dates"),
            )
        )
    if mobility.uses_ecvet:
        from .services.assessments import has_submitted

        if not has_submitted(mobility) and not mobility.no_assessment_reason.strip():
            missing.append(
                Missing(
                    _("The mentor's assessment is not submitted (or record why there is none)."),
                    reverse("mobility:assessment", kwargs={"code": mobility.code}),
                    _("Open the assessment"),
                    key="assessment",
                )
            )
    else:
        from .models.checklists import ECVET_ONLY_EVENTS

        open_items = (
            mobility.checklist.filter(done_at__isnull=True, due_date__lte=mobility.end_date)
            .exclude(chain_event__in=ECVET_ONLY_EVENTS)
            .count()
        )
        if open_items:
            missing.append(
                Missing(
                    _("%(n)s checklist item(s) due by the end of the stay are not done.") % {"n": open_items},
                    reverse("mobility:checklist", kwargs={"code": mobility.code}),
                    _("Open the checklist"),
                )
            )
    return missing


def recognise(mobility) -> list[Missing]:
    if not mobility.uses_ecvet:
        return [Missing(_("This mobility does not use ECVET: it has no recognition step, completed is final."))]
    return _provided("recognise", mobility)
