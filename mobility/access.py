"""Who may see and do what in mobility: learners, mobilities, assessments, checklists, reports, money.

Built on `partners.access` (scope and named rights). Views, forms, templates, serializers and exports ask
these functions; nothing else in the app decides access. Each rule is named after the action and takes
`(user, obj)`, so the 1–2 argument ones are published as rules (bottom of the module) and templates ask the
same function: `{% test_rule "mobility.may_read_report" request.user mobility as ok %}`.

Scope (which rows exist for the user at all) stays with the querysets' `visible_to(user)`: these
predicates decide within scope (403), they never widen it.
"""

from __future__ import annotations

from partners.access import get_scope, has_administrator_flags, register
from partners.models import Organisation, Right, Role, User

from .models import ChecklistItem, Learner, MentorAssessment, Mobility
from .models.checklists import Responsible

# The two sides of a mobility whose staff (with can_manage_mobilities) act on it.
SENDING, RECEIVING = "sending", "receiving"
# A tutor is staff of the sending organisation: anyone there but a learner.
TUTOR_ROLES = (Role.PROJECT_COORDINATOR, Role.PARTNER_COORDINATOR, Role.MENTOR)


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# --- Organisations one acts for ----------------------------------------------------------------------


def organisations_with_right(user, right: str = Right.MANAGE_MOBILITIES):
    """Organisations (visible to the user) for which the user holds `right`."""
    organisations = Organisation.objects.visible_to(user).order_by("short_name")
    ids = get_scope(user).org_ids_with_right(right)
    return organisations if ids is None else organisations.filter(pk__in=ids)


def home_organisation_choices(user, current=None):
    """Where the user may enrol a learner: organisations they manage mobilities for and whose learners they
    see (their own staff organisations), so a learner they create never drops out of their sight."""
    scope = get_scope(user)
    organisations = organisations_with_right(user)
    if scope.unrestricted:
        return organisations
    return organisations.filter(pk__in=set(scope.staff_org_ids) | ({current.pk} if current else set()))


# --- People on a mobility ------------------------------------------------------------------------------


def is_learner_of(user, mobility: Mobility) -> bool:
    """The user is the learner of this mobility (their portal account is linked to its Learner)."""
    return _signed_in(user) and mobility.learner.user_id is not None and mobility.learner.user_id == user.pk


def is_mentor_of(user, mobility: Mobility) -> bool:
    return _signed_in(user) and mobility.mentor_id is not None and mobility.mentor_id == user.pk


def sees_personal_details(user, subject: Learner | Mobility) -> bool:
    """The learner's personal details (date of birth, gender, guardian, contact details, inclusion needs).

    - `subject` a Learner (their record, the API): the learner themself and whoever manages mobilities for
      their home organisation (a mentor or the host's staff read the name, studies and emergency contact);
    - `subject` a Mobility (its documents: Learning Agreement, transcript, Europass Mobility, their JSON,
      printable views, sealed PDFs and the digital credential): the parties to those documents, i.e. the
      learner, the staff of both organisations and the partnership's project coordinator. A mentor reads
      the documents without them.
    Administrators see them always."""
    if not _signed_in(user):
        return False
    scope = get_scope(user)
    if isinstance(subject, Learner):
        return (subject.user_id is not None and subject.user_id == user.pk) or scope.has_right(
            Right.MANAGE_MOBILITIES, organisation=subject.home_organisation_id
        )
    return (
        is_learner_of(user, subject)
        or scope.is_staff_of(subject.sending_organisation_id)
        or scope.is_staff_of(subject.receiving_organisation_id)
        or scope.coordinates(subject.partnership_id)
    )


def may_read_grant(user, mobility: Mobility) -> bool:
    """The mobility's grant and its working, which name inclusion support for a participant with fewer
    opportunities: the learner, the sending organisation's staff (who pay and report the grant) and the
    partnership's project coordinators. The host's staff and the mentor do not (administrators do)."""
    if not _signed_in(user):
        return False
    scope = get_scope(user)
    return (
        is_learner_of(user, mobility)
        or scope.is_staff_of(mobility.sending_organisation_id)
        or scope.coordinates(mobility.partnership_id)
    )


def mentor_candidates(organisation_ids):
    """People who may mentor at these (receiving) organisations: active accounts holding an active mentor
    membership there (a company mentor is invited to the host as a mentor first)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id__in=organisation_ids,
            memberships__is_active=True,
            memberships__role=Role.MENTOR,
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def tutor_candidates(organisation_ids):
    """People who may tutor for these (sending) organisations: its active staff, not learners."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id__in=organisation_ids,
            memberships__is_active=True,
            memberships__role__in=TUTOR_ROLES,
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def may_mentor(user_id, organisation_id) -> bool:
    """The person may be the mentor of a mobility hosted by this organisation (the picker's rule, re-checked)."""
    return mentor_candidates([organisation_id]).filter(pk=user_id).exists()


def may_tutor(user_id, organisation_id) -> bool:
    """The person may be the tutor of a mobility sent by this organisation (the picker's rule, re-checked)."""
    return tutor_candidates([organisation_id]).filter(pk=user_id).exists()


def is_work_account(account, memberships) -> bool:
    """A learner's portal account that also works as staff, mentor or administrator: erasing the learner
    must not erase it."""
    return has_administrator_flags(account) or any(m.role != Role.LEARNER for m in memberships)


def mobility_lists(user) -> list[str]:
    """The mobility lists the user may open ("mine", the mentor's, is everyone's): staff see their
    organisations' outgoing and incoming mobilities; project coordinators also the partnership-wide list."""
    scope = get_scope(user)
    out = []
    if scope.is_staff:
        out += ["outgoing", "incoming"]
    if scope.coordinates_any():
        out.append("all")
    return out


# --- Learners ----------------------------------------------------------------------------------------


def may_list_learners(user) -> bool:
    """The learner list is a staff page (coordinators; administrators)."""
    return get_scope(user).is_staff


def may_manage_learner(user, learner: Learner) -> bool:
    """Edit the learner, add a mobility for them, export or erase their data: can_manage_mobilities at their
    home organisation."""
    return get_scope(user).has_right(Right.MANAGE_MOBILITIES, organisation=learner.home_organisation_id)


# --- Mobilities ---------------------------------------------------------------------------------------


def sides_of(user, mobility: Mobility) -> set[str]:
    """The sides on which the user may manage this mobility (can_manage_mobilities there)."""
    scope = get_scope(user)
    sides = set()
    if scope.has_right(Right.MANAGE_MOBILITIES, organisation=mobility.sending_organisation_id):
        sides.add(SENDING)
    if scope.has_right(Right.MANAGE_MOBILITIES, organisation=mobility.receiving_organisation_id):
        sides.add(RECEIVING)
    return sides


def may_manage_mobility(user, mobility: Mobility) -> bool:
    """Edit the mobility (all of it from the sending side, the host workplace and mentor from the host) and
    move its status: staff with can_manage_mobilities on either side."""
    return bool(sides_of(user, mobility))


def may_plan(user, mobility: Mobility) -> bool:
    """Plan, agree or take back to draft: the sending side (it prepares the stay)."""
    return SENDING in sides_of(user, mobility)


def may_run(user, mobility: Mobility) -> bool:
    """Start, complete or cancel the stay: either side."""
    return bool(sides_of(user, mobility) & {SENDING, RECEIVING})


def may_create_mobility(user) -> bool:
    return organisations_with_right(user).exists()


# --- Quality: checklist, assessment, report -------------------------------------------------------------


def may_tick(user, item: ChecklistItem) -> bool:
    """May `user` mark this checklist item done or not done? (`item.mobility` should be loaded.)

    Staff with can_manage_mobilities act for their side; the mentor for mentor items and the learner for
    learner items. The host's staff may also act for the mentor and the sending staff for the learner:
    mentors and learners do not always have a portal account, and the checklist must still be closable.
    """
    if not _signed_in(user):
        return False
    mobility = item.mobility
    sides = sides_of(user, mobility)
    if item.responsible == Responsible.SENDING:
        return SENDING in sides
    if item.responsible == Responsible.RECEIVING:
        return RECEIVING in sides
    if item.responsible == Responsible.MENTOR:
        return is_mentor_of(user, mobility) or RECEIVING in sides
    if item.responsible == Responsible.LEARNER:
        return is_learner_of(user, mobility) or SENDING in sides
    return False


def may_read_checklist_template(user, partnership) -> bool:
    """The partnership's checklist template: the staff of its organisations (who see the partnership)."""
    return get_scope(user).in_partnership(partnership)


def may_edit_checklist_template(user, partnership) -> bool:
    """The project coordinator (can_manage_partnership) keeps the checklist template and the report questions."""
    return get_scope(user).has_right(Right.MANAGE_PARTNERSHIP, partnership=partnership)


def may_edit_survey_questions(user, partnership) -> bool:
    return may_edit_checklist_template(user, partnership)


def may_assess(user, mobility: Mobility) -> bool:
    """The mentor of the mobility and the host's staff who manage mobilities fill in the assessment."""
    return is_mentor_of(user, mobility) or (
        _signed_in(user)
        and get_scope(user).has_right(Right.MANAGE_MOBILITIES, organisation=mobility.receiving_organisation_id)
    )


def may_edit_items(user, mobility: Mobility) -> bool:
    """The sending side's staff (who agree the learning outcomes) and the mentor edit free-text items."""
    return is_mentor_of(user, mobility) or (
        _signed_in(user)
        and get_scope(user).has_right(Right.MANAGE_MOBILITIES, organisation=mobility.sending_organisation_id)
    )


def may_read_assessment(user, assessment: MentorAssessment) -> bool:
    """Anyone who sees the mobility reads submitted versions; the learner never sees a draft."""
    if assessment.status != MentorAssessment.Status.DRAFT:
        return True
    mobility = assessment.mobility
    return may_assess(user, mobility) or not is_learner_of(user, mobility)


def may_read_report(user, mobility: Mobility) -> bool:
    """The learner and the staff who see the mobility (not the mentor: the report rates the host)."""
    scope = get_scope(user)
    return (
        is_learner_of(user, mobility)
        or scope.is_staff_of(mobility.sending_organisation_id)
        or scope.is_staff_of(mobility.receiving_organisation_id)
        or scope.coordinates(mobility.partnership_id)
    )


def may_read_report_aggregates(user, partnership) -> bool:
    """The project coordinator (every organisation) and the partners' staff (their own outgoing learners)."""
    return get_scope(user).in_partnership(partnership)


def report_organisations(user, partnership) -> set[int] | None:
    """Whose learners' answers the user reads in aggregate: None for every organisation (the project
    coordinator), else their own member organisations of the partnership."""
    scope = get_scope(user)
    if scope.coordinates(partnership):
        return None
    members = set(partnership.members.values_list("organisation_id", flat=True))
    return members & set(scope.staff_org_ids)


# --- Money ---------------------------------------------------------------------------------------------


def sees_whole_budget(user, partnership) -> bool:
    """Every organisation's row of the partnership budget: who manages mobilities for the partnership."""
    return get_scope(user).has_right(Right.MANAGE_MOBILITIES, partnership=partnership)


def budget_organisation_ids(user, partnership) -> set[int]:
    """The partnership's member organisations whose budget rows the user reads when they do not see all:
    their own, where they manage mobilities (a right delegated through coordinating another partnership
    does not open this partnership's figures of that organisation)."""
    scope = get_scope(user)
    return {
        oid
        for oid in partnership.members.values_list("organisation_id", flat=True)
        if scope.is_staff_of(oid) and scope.has_right(Right.MANAGE_MOBILITIES, organisation=oid)
    }


def may_read_budget(user, partnership) -> bool:
    return sees_whole_budget(user, partnership) or bool(budget_organisation_ids(user, partnership))


def may_read_organisation_budget(user, organisation) -> bool:
    return get_scope(user).has_right(Right.MANAGE_MOBILITIES, organisation=organisation)


def budget_only_coordinated(user, organisation) -> bool:
    """A project coordinator reads a partner's budget only within the partnerships they coordinate."""
    return not get_scope(user).is_staff_of(organisation)


register(
    "mobility",
    is_learner_of,
    is_mentor_of,
    sees_personal_details,
    may_read_grant,
    may_list_learners,
    may_manage_learner,
    may_manage_mobility,
    may_plan,
    may_run,
    may_create_mobility,
    may_tick,
    may_read_checklist_template,
    may_edit_checklist_template,
    may_edit_survey_questions,
    may_assess,
    may_edit_items,
    may_read_assessment,
    may_read_report,
    may_read_report_aggregates,
    sees_whole_budget,
    may_read_budget,
    may_read_organisation_budget,
)
