"""Who sees which mobility data. Rules (docs/access.md):

- staff (project/partner coordinators) of the sending or the receiving organisation see the mobility
  ("outgoing" for one, "incoming" for the other); a project coordinator sees every mobility of the
  partnerships their organisation coordinates;
- the mentor and the tutor assigned to a mobility see it; a mentor sees nothing else;
- a learner sees their own mobilities (through their portal account).
Everything hanging off a mobility (checklist, assessments, report, history) follows the mobility.
"""

from django.apps import apps
from django.db import models

from partners.access import Scope, get_scope
from partners.querysets import InSubquery, ScopedQuerySet


def own_learners(user_id):
    """The learner rows of this account (a subquery): how a learner's own mobilities and documents are found
    without joining every learner."""
    return apps.get_model("mobility", "Learner").objects.filter(user_id=user_id).values("pk")


def mobility_branches(scope: Scope, prefix: str = "") -> dict[str, models.Q]:
    """One condition per way of seeing a mobility, each on the mobility's own columns so that PostgreSQL can use
    their indexes: the learner branch is an array of the user's own learner rows (zero or one), not a join over
    every learner nor a subplan tested on every mobility (issue 15). Branches that cannot match (no staff
    organisation, no coordinated partnership) are left out."""
    p = prefix
    branches = {
        "mentor": models.Q(**{f"{p}mentor_id": scope.user_id}),
        "tutor": models.Q(**{f"{p}tutor_id": scope.user_id}),
        "learner": models.Q(InSubquery(f"{p}learner_id", own_learners(scope.user_id))),
    }
    if scope.staff_org_ids:
        branches["sending"] = models.Q(**{f"{p}sending_organisation_id__in": scope.staff_org_ids})
        branches["receiving"] = models.Q(**{f"{p}receiving_organisation_id__in": scope.staff_org_ids})
    if scope.coordinated_partnership_ids:
        branches["coordinated"] = models.Q(**{f"{p}partnership_id__in": scope.coordinated_partnership_ids})
    return branches


def mobility_q(scope: Scope, prefix: str = "") -> models.Q:
    """Every mobility the scope sees: any of its branches."""
    q = models.Q()
    for branch in mobility_branches(scope, prefix).values():
        q |= branch
    return q


class MobilityQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return mobility_q(scope)

    def visible_through(self, user, branch: str):
        """The part of what `user` sees that one branch of the scope shows ("sending", "receiving", "coordinated",
        "mentor", …): a subset of `visible_to(user)` by construction, asked without the other branches so that
        PostgreSQL walks one index instead of OR-ing six conditions (issue 15). A branch the scope lacks shows
        nothing (a superuser's too: their "everything" is visible_to)."""
        scope = get_scope(user)
        if scope.user_id is None:
            return self.none()
        condition = mobility_branches(scope).get(branch)
        return self.filter(condition) if condition is not None else self.none()

    def outgoing_for(self, organisation_ids):
        return self.filter(sending_organisation_id__in=organisation_ids)

    def open(self):
        return self.filter(status__in=self.model.OPEN_STATUSES)

    def with_list_related(self):
        """What the mobility lists show, in a fixed number of queries: the five rows every mobility has joined, the
        optional mentor and tutor read after (PostgreSQL took 5 ms to plan the seven-table join of a 25-row page,
        0.7 ms for five; issue 15)."""
        return self.select_related(
            "learner", "partnership", "sending_organisation", "receiving_organisation"
        ).prefetch_related("mentor", "tutor")


class LearnerQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        """Yourself, the learners of the mobilities you see, and (staff) your organisations' learners.

        Mentors and learners see through their own branches only (a few hundred mobilities at most): their
        learners are an array looked up in the primary key's index (0.6 ms at 25,000 mobilities instead of 15 ms
        for a subplan tested on every learner). Staff see whole organisations and partnerships: PostgreSQL reads
        every learner anyway, and a hashed subplan beats testing each row against an array (issue 15)."""
        mobility = apps.get_model("mobility", "Mobility")
        via_mobility = mobility.objects.filter(mobility_q(scope)).values("learner_id")
        if not (scope.staff_org_ids or scope.coordinated_partnership_ids):
            return models.Q(user_id=scope.user_id) | models.Q(InSubquery("pk", via_mobility))
        return (
            models.Q(home_organisation_id__in=scope.staff_org_ids)
            | models.Q(user_id=scope.user_id)
            | models.Q(pk__in=via_mobility)
        )


class _ViaMobility(ScopedQuerySet):
    def scope_filter(self, scope):
        return mobility_q(scope, prefix="mobility__")


class MobilityStatusChangeQuerySet(_ViaMobility):
    pass


class ChecklistItemQuerySet(_ViaMobility):
    def open(self):
        return self.filter(done_at__isnull=True)


class AssessmentItemQuerySet(_ViaMobility):
    pass


class MentorAssessmentQuerySet(_ViaMobility):
    def current(self):
        return self.exclude(status="superseded")


class LearnerReportQuerySet(_ViaMobility):
    pass


class ChecklistTemplateItemQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return models.Q(partnership_id__in=scope.partnership_ids)


class SurveyQuestionQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return models.Q(partnership_id__in=scope.partnership_ids)
