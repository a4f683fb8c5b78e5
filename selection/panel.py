"""The panel's work and the decision (issue 18, point 4; docs/selection.md).

Every change is one transaction that re-checks its rule (`selection.access_panel`) and writes its audit row;
application and call statuses move only through `partners.workflow.move`; e-mails and the selection report's
sealed PDF are sent to the workers after the commit.

Ranking (`ranking(call)`, three queries whatever the number of applications):

- per criterion, the mean of the points the panel gave (every assessor counts once);
- weighted total = Σ weight × mean, on the criterion's own scale (points as given, 0…max_points: a criterion
  out of 20 weighs twice one out of 10 at equal weight — the call publishes both figures), plus the call's
  points for fewer opportunities; totals are rounded to two decimals, and what the page shows is what is
  compared;
- tie-break, in this order: fewer opportunities first; then the higher mean on the first criterion (by its
  order), then on the next ones; then the earlier submission; then the application code. Rows with equal
  totals are marked as ties, with the rule that separated them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners import audit
from partners.models import AuditEntry
from partners.workflow import move

from . import access_panel as rules
from .models import Application, Call, Criterion, PanelMember, Score

A = Application.Status
CENT = Decimal("0.01")
MEAN_PLACES = Decimal("0.0001")

# The text each panel member confirms before reading the applications; stored as confirmed, in their language.
DECLARATION = gettext_lazy(
    "I declare that I have no conflict of interest with any applicant to this call: none is a member of my "
    "family or household, and I have no personal, financial or professional tie that could affect my judgement. "
    "Should I find such a tie with an applicant, I will tell the coordinator and not score that application. "
    "I keep the applicants' data confidential and use it only for this selection."
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- the panel -----------------------------------------------------------------------------------------------


@transaction.atomic
def set_panel(call: Call, users, *, by, request=None) -> dict[str, int]:
    """Name the call's panel: seats added for new members, removed for those left out (a member who already
    scored cannot be removed: their points are part of the record)."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    _require(rules.may_name_panel(by, call))
    wanted = {user.pk: user for user in users}
    allowed = set(rules.panel_candidates(call).filter(pk__in=wanted).values_list("pk", flat=True))
    if set(wanted) - allowed:
        raise ValidationError(
            {"members": _("Only active staff or mentors of the sending organisation can sit on the panel.")}
        )
    if not wanted:
        raise ValidationError({"members": _("Name at least one panel member.")})
    current = {seat.user_id: seat for seat in call.panel.all()}
    leaving = [seat for uid, seat in current.items() if uid not in wanted]
    scored = set(
        Score.objects.filter(application__call=call, assessor_id__in=[s.user_id for s in leaving]).values_list(
            "assessor_id", flat=True
        )
    )
    if scored:
        raise ValidationError({"members": _("A panel member who has already scored cannot be removed.")})
    for seat in leaving:
        seat.delete()
    added = [PanelMember.objects.create(call=call, user=wanted[uid]) for uid in wanted if uid not in current]
    if added or leaving:
        audit.record(
            actor=by,
            verb=AuditEntry.Verb.UPDATED,
            obj=call,
            request=request,
            partnership=call.partnership,
            organisation=call.organisation,
            details={
                "panel_added": [seat.user.email for seat in added],
                "panel_removed": [seat.user.email for seat in leaving],
            },
        )
    return {"added": len(added), "removed": len(leaving)}


@transaction.atomic
def declare_no_conflict(call: Call, *, by, request=None) -> PanelMember:
    """The member confirms the declaration (its text stored as shown, with the moment)."""
    seat = PanelMember.objects.select_for_update().filter(call=call, user=by).first()
    _require(seat is not None and not seat.has_declared and call.status != Call.Status.CANCELLED)
    seat.declared_no_conflict_at = timezone.now()
    seat.declaration = str(DECLARATION)
    seat.save(update_fields=["declared_no_conflict_at", "declaration", "updated_at"])
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.UPDATED,
        obj=call,
        request=request,
        partnership=call.partnership,
        organisation=call.organisation,
        details={"declared_no_conflict": by.email},
    )
    return seat


# --- scores --------------------------------------------------------------------------------------------------


def score_errors(criterion: Criterion, points) -> list[str]:
    if points is None:
        return [_("Give points.")]
    if points < 0 or points > criterion.max_points:
        return [_("Give between 0 and %(max)s points.") % {"max": criterion.max_points}]
    return []


@transaction.atomic
def save_scores(application: Application, values: dict[int, tuple[Decimal, str]], *, by, request=None) -> int:
    """The assessor's points and comments for one application, per criterion id: created or changed."""
    application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    call = application.call
    _require(rules.may_score(by, call) and application.status == A.ELIGIBLE)
    criteria = {c.pk: c for c in call.criteria.all()}
    errors = {}
    for pk, (points, _comment) in values.items():
        if pk not in criteria:
            errors[str(pk)] = [_("Unknown criterion.")]
        else:
            errors.update({f"points_{pk}": e for e in [score_errors(criteria[pk], points)] if e})
    if errors:
        raise ValidationError(errors)
    existing = {s.criterion_id: s for s in Score.objects.filter(application=application, assessor=by)}
    changed = 0
    for pk, (points, comment) in values.items():
        score = existing.get(pk)
        if score is None:
            Score.objects.create(application=application, criterion_id=pk, assessor=by, points=points, comment=comment)
            changed += 1
        elif score.points != points or score.comment != comment:
            score.points, score.comment = points, comment
            score.save(update_fields=["points", "comment", "updated_at"])
            changed += 1
    if changed:
        audit.record(
            actor=by,
            verb=AuditEntry.Verb.UPDATED,
            obj=application,
            request=request,
            partnership=call.partnership,
            organisation=call.organisation,
            details={"scores": {criteria[pk].name: str(points) for pk, (points, _c) in values.items()}},
        )
    return changed


# --- ranking -------------------------------------------------------------------------------------------------


@dataclass
class Ranked:
    application: Application
    means: list[Decimal | None]  # per criterion, in the call's order
    weighted: Decimal  # Σ weight × mean
    bonus: Decimal  # fewer-opportunity points
    total: Decimal
    complete: bool  # every seated assessor scored every criterion
    rank: int = 0
    tied: bool = False
    # The rule that placed it after an equal total above it: "fewer_opportunities", "criterion" (with
    # tie_criterion, its name), "submitted" or "code"; a key, so the report's content is the same in any language.
    tie_break: str = ""
    tie_criterion: str = ""
    sort_key: tuple = field(default=(), repr=False)

    @property
    def tie_break_text(self) -> str:
        return tie_rule_text(self.tie_break, self.tie_criterion)


def ranking_applications(call: Call):
    """The applications the ranking orders: eligible, or already decided from eligible (not withdrawn)."""
    return Application.objects.filter(call=call, status__in=rules.PANEL_STATES).order_by("pk")


def ranking(call: Call, *, criteria: list[Criterion] | None = None) -> list[Ranked]:
    """The call's ranking, best first (module docstring). Three queries: criteria, applications, score sums."""
    criteria = list(call.criteria.all()) if criteria is None else criteria
    applications = list(ranking_applications(call))
    assessors = len(call.panel.all()) if hasattr(call, "_prefetched_objects_cache") else call.panel.count()
    sums: dict[tuple[int, int], tuple[Decimal, int]] = {
        (row["application_id"], row["criterion_id"]): (row["total"], row["n"])
        for row in Score.objects.filter(application__call=call, application__status__in=rules.PANEL_STATES)
        .values("application_id", "criterion_id")
        .annotate(total=Sum("points"), n=Count("id"))
    }
    rows = []
    for application in applications:
        means, weighted, complete = [], Decimal("0"), True
        for criterion in criteria:
            total, n = sums.get((application.pk, criterion.pk), (None, 0))
            mean = (total / n).quantize(MEAN_PLACES, rounding=ROUND_HALF_UP) if n else None
            means.append(mean)
            complete = complete and n >= max(assessors, 1)
            weighted += criterion.weight * (total / n) if n else Decimal("0")
        bonus = call.fewer_opportunities_points if application.fewer_opportunities else Decimal("0")
        weighted = _money(weighted)
        total = weighted + _money(bonus)
        key = (
            -total,
            0 if application.fewer_opportunities else 1,
            *[-(m if m is not None else Decimal("-1")) for m in means],
            application.submitted_at or datetime.max.replace(tzinfo=timezone.get_current_timezone()),
            str(application.code),
        )
        rows.append(Ranked(application, means, weighted, _money(bonus), total, complete, sort_key=key))
    rows.sort(key=lambda r: r.sort_key)
    for index, row in enumerate(rows):
        row.rank = index + 1
        for other in (rows[index - 1] if index else None, rows[index + 1] if index + 1 < len(rows) else None):
            if other is not None and other.total == row.total:
                row.tied = True
        if index and rows[index - 1].total == row.total:
            row.tie_break, row.tie_criterion = _tie_rule(rows[index - 1], row, criteria)
    return rows


def _tie_rule(above: Ranked, below: Ranked, criteria) -> tuple[str, str]:
    """Which rule put `above` before `below` at equal totals."""
    if above.application.fewer_opportunities != below.application.fewer_opportunities:
        return "fewer_opportunities", ""
    for criterion, a, b in zip(criteria, above.means, below.means, strict=True):
        if a != b:
            return "criterion", criterion.name
    if above.application.submitted_at != below.application.submitted_at:
        return "submitted", ""
    return "code", ""


def tie_rule_text(key: str, criterion: str = "") -> str:
    return {
        "fewer_opportunities": _("fewer opportunities first"),
        "criterion": _("higher mean on “%(criterion)s”") % {"criterion": criterion},
        "submitted": _("submitted earlier"),
        "code": _("application code"),
    }.get(key, "")


def missing_for_decision(call: Call) -> list[str]:
    """What the decision still waits for: a panel, every member's declaration, every score."""
    problems = []
    seats = list(call.panel.all())
    if not seats:
        problems.append(_("The call has no panel."))
    undeclared = [s for s in seats if not s.has_declared]
    if undeclared:
        problems.append(
            _("Not every panel member has declared no conflict of interest: %(names)s.")
            % {"names": ", ".join(s.user.get_full_name() or s.user.email for s in undeclared)}
        )
    criteria = call.criteria.count()
    applications = ranking_applications(call).filter(status=A.ELIGIBLE).count()
    if not applications:
        problems.append(_("The call has no eligible application."))
    given = Score.objects.filter(application__call=call, application__status=A.ELIGIBLE).count()
    if seats and given < criteria * applications * len(seats):
        problems.append(
            _("%(given)s of %(expected)s scores are given.")
            % {"given": given, "expected": criteria * applications * len(seats)}
        )
    return problems


# --- the decision --------------------------------------------------------------------------------------------


@dataclass
class Proposal:
    """The decision the ranking proposes for one application, with its default reason."""

    ranked: Ranked
    outcome: str  # selected / reserve / not_selected
    reserve_rank: int | None
    reason: str


def propose(call: Call, rows: list[Ranked], reserve_size: int) -> list[Proposal]:
    proposals = []
    for row in rows:
        if row.rank <= call.places:
            outcome, reserve_rank = A.SELECTED, None
        elif row.rank <= call.places + reserve_size:
            outcome, reserve_rank = A.RESERVE, row.rank - call.places
        else:
            outcome, reserve_rank = A.NOT_SELECTED, None
        proposal = Proposal(row, outcome, reserve_rank, "")
        proposal.reason = reason_text(call, proposal, len(rows))
        proposals.append(proposal)
    return proposals


def reason_text(call: Call, proposal: Proposal, count: int) -> str:
    """The reason the ranking gives, in the active language."""
    if proposal.outcome == A.SELECTED:
        reason = _("Ranked %(rank)s of %(count)s with %(total)s points: within the %(places)s places.")
    elif proposal.outcome == A.RESERVE:
        reason = _("Ranked %(rank)s of %(count)s with %(total)s points: place %(reserve)s on the reserve list.")
    else:
        reason = _("Ranked %(rank)s of %(count)s with %(total)s points: below the places and the reserve list.")
    return reason % {
        "rank": proposal.ranked.rank,
        "count": count,
        "total": proposal.ranked.total,
        "places": call.places,
        "reserve": proposal.reserve_rank,
    }


MOVE_FOR = {A.SELECTED: "select", A.RESERVE: "reserve", A.NOT_SELECTED: "not_select"}


@transaction.atomic
def record_decision(
    call: Call, *, reserve_size: int, reasons: dict[str, str] | None = None, by, request=None, notify: bool = True
):
    """Decide the whole call from its ranking: the first `places` selected (each becomes a learner of the
    sending organisation), the next `reserve_size` on the reserve list in order, the rest not selected; each
    with its reason (the proposed one unless `reasons` gives another, by application code). Then the call moves
    to decided, the selection report is sealed and everyone receives the outcome, after the commit (`notify`
    False: no e-mail, for the demo's fictional applicants)."""
    call = Call.objects.select_for_update().select_related("organisation", "partnership").get(pk=call.pk)
    _require(rules.may_record_decision(by, call))
    problems = missing_for_decision(call)
    if problems:
        raise ValidationError(problems)
    if reserve_size < 0:
        raise ValidationError({"reserve_size": _("Give zero or more places on the reserve list.")})
    reasons = reasons or {}
    proposals = propose(call, ranking(call), reserve_size)
    for proposal in proposals:
        application = proposal.ranked.application
        given = (reasons.get(str(application.code)) or "").strip()
        if not given:
            # The proposed reason in the applicant's language: it is what their outcome e-mail quotes.
            with translation.override(application.language or None):
                given = reason_text(call, proposal, len(proposals))
        application.decision_reason = given
        kwargs = {"rank": proposal.reserve_rank} if proposal.outcome == A.RESERVE else {}
        move(
            application,
            MOVE_FOR[proposal.outcome],
            by=by,
            request=request,
            reason=application.decision_reason,
            update_fields=["decision_reason"],
            details={"rank": proposal.ranked.rank, "total": str(proposal.ranked.total)},
            **kwargs,
        )
        if proposal.outcome == A.SELECTED:
            make_learner(application, by=by, request=request)
    move(call, "decide", by=by, request=request)
    after_decision(call, [p.ranked.application.pk for p in proposals] if notify else [])
    return proposals


def make_learner(application: Application, *, by, request=None):
    """The selected applicant becomes a learner of the sending organisation (data from the application)."""
    from mobility.models import Learner

    if application.learner_id:
        return application.learner
    call = application.call
    learner = Learner.objects.create(
        home_organisation=call.organisation,
        first_name=application.first_name,
        last_name=application.last_name,
        date_of_birth=application.date_of_birth,
        email=application.email,
        qualification_title=application.qualification_title,
        eqf_level=application.eqf_level,
        fewer_opportunities=application.fewer_opportunities,
        guardian_name=application.guardian_name,
        guardian_email=application.guardian_email,
        consent_given_on=timezone.localdate(application.consent_at) if application.consent_at else None,
    )
    application.learner = learner
    application.save(update_fields=["learner", "updated_at"])
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED,
        obj=learner,
        request=request,
        partnership=call.partnership,
        organisation=call.organisation,
        details={"from_application": str(application.code)},
    )
    return learner


def after_decision(call: Call, application_ids: list[int]) -> None:
    """After the commit: the outcome e-mails, and the selection report's sealed PDF (its content changed)."""
    from . import panel_tasks

    for pk in application_ids:
        transaction.on_commit(lambda pk=pk: panel_tasks.send_outcome_mail.delay(pk))
    request_report(call)


def request_report(call: Call):
    """Queue the selection report's sealed PDF of the call's current decision (a new one when it changed)."""
    from documents import services as documents

    try:
        return documents.request_pdf(call)
    except documents.NotFinal:
        return None


# --- placements ----------------------------------------------------------------------------------------------


def placement_choices(call: Call):
    """The call's placements that still have a free place (published; cancelled mobilities free theirs)."""
    from django.db.models import F, Q

    from mobility.models import Mobility

    return (
        call.placements.filter(status="published")
        .annotate(taken=Count("mobilities", filter=~Q(mobilities__status=Mobility.Status.CANCELLED)))
        .filter(places__gt=F("taken"))
        .select_related("host")
        .order_by("start_date", "pk")
    )


@transaction.atomic
def offer_placement(application: Application, placement, *, by, request=None):
    """Place the selected applicant: `placements.services.place` makes the draft mobility (dates, host, mentor
    from the placement); the application keeps the placement and the mobility."""
    from placements.services import place

    application = Application.objects.select_for_update().select_related("call__organisation").get(pk=application.pk)
    _require(rules.may_offer_placement(by, application))
    if not placement_choices(application.call).filter(pk=placement.pk).exists():
        raise ValidationError({"placement": _("Choose one of the call's placements with a free place.")})
    learner = application.learner or make_learner(application, by=by, request=request)
    mobility = place(placement, learner, sending_organisation=application.call.organisation, by=by, request=request)
    application.placement, application.mobility = placement, mobility
    application.save(update_fields=["placement", "mobility", "updated_at"])
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.UPDATED,
        obj=application,
        request=request,
        partnership=application.call.partnership,
        organisation=application.call.organisation,
        details={"placement": str(placement.code), "mobility": str(mobility.code)},
    )
    return mobility


# --- the reserve list ----------------------------------------------------------------------------------------


def promote_reserve(call: Call, *, by=None, request=None, freed: Application | None = None) -> Application | None:
    """The first on the reserve list moves up to selected (inside the caller's transaction): a learner is made,
    the outcome e-mail and a new selection report follow the commit. None when the list is empty."""
    first = (
        Application.objects.select_for_update()
        .filter(call=call, status=A.RESERVE, erased_at__isnull=True)
        .order_by("reserve_rank", "pk")
        .first()
    )
    if first is None:
        return None
    with translation.override(first.language or None):
        first.decision_reason = _(
            "Moved up from place %(reserve)s on the reserve list when a selected applicant withdrew."
        ) % {"reserve": first.reserve_rank}
    move(
        first,
        "select",
        by=by,
        request=request,
        system=True,
        reason=first.decision_reason,
        update_fields=["decision_reason"],
        details={"promoted_from_reserve": first.reserve_rank, "freed_by": str(freed.code) if freed else ""},
    )
    make_learner(first, by=by, request=request)
    after_decision(call, [first.pk])
    return first


def on_application_withdrawn(application: Application, *, by=None, request=None) -> Application | None:
    """A selected applicant of a decided call withdrew: the reserve list moves up (docs/selection.md)."""
    call = Call.objects.get(pk=application.call_id)
    if call.status != Call.Status.DECIDED:
        return None
    return promote_reserve(call, by=by, request=request, freed=application)
