"""Every form works as rendered (issue 12, point 4).

For each create/edit page of the portal, as a demo account that may use it: GET the page, read the
`<form>` that posts back to it from the HTML (not from the form class), keep what it renders, fill
what it marks required and is empty, submit, and expect the redirect of a successful save. A required
field the template forgets to render makes the form fail here, and the failure shows the page's errors.

Each submit runs in a savepoint that is rolled back, so the cases don't see each other's saves.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dissemination.models import Activity, DisseminationEvent, PublicResult
from ecvet.models import (
    EuropassMobility,
    GrantAgreement,
    LearningAgreementVersion,
    Memorandum,
    Qualification,
    Transcript,
    Unit,
)
from mobility.models import Learner, Mobility
from partners.models import Indicator, InternationalisationStrategy, Membership, Organisation, Partnership, User
from placements.models import HostCompany, Placement
from reporting.models import Cost
from tests.demo_support import complete_lottes_stay
from tests.factories import OrganisationFactory
from training_events.models import EvaluationQuestion, EvaluationResponse, Session, TrainingEvent

from .accounts import ADMIN, PROJECT_COORDINATOR
from .crawler import project_url_names
from .forms import explain, posting_forms, submit
from .pages import Form

PC = PROJECT_COORDINATOR
SAVO = "coordinator@savo.example"

FORM_WORDS = {"create", "edit", "new", "add", "form", "update"}


def form_view_names() -> set[str]:
    """URL names of the project made of a form word (create, edit, new, add, form, update)."""
    return {name for name in project_url_names() if FORM_WORDS & set(re.split(r"[:_.\-]", name))}


# Form pages no case here submits, each with its reason.
EXEMPT = {
    # Django's admin: its own, tested framework, reached by the superuser only.
    **{name: "Django admin internals" for name in form_view_names() if name.startswith("admin:")},
}


def url(name: str, obj=None, **kwargs) -> str:
    """reverse() for an object's page, by its public code (or its pk where the URL still takes one)."""
    if obj is None:
        return reverse(name, kwargs=kwargs or None)
    for key, value in (("code", getattr(obj, "code", None)), ("pk", obj.pk), ("slug", getattr(obj, "slug", None))):
        if value is None:
            continue
        try:
            return reverse(name, kwargs={key: value, **kwargs})
        except NoReverseMatch:
            continue
    raise NoReverseMatch(f"{name} for {obj!r}")


def vision() -> Partnership:
    return Partnership.objects.get(slug="vision")


def vision_mobility() -> Partnership:
    return Partnership.objects.get(slug="vision-mobility")


def for_vision(name: str) -> str:
    """A create page that asks for the partnership first (in the query) when the person has several."""
    return f"{url(name)}?partnership={vision().slug}"


def org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def user(email: str) -> User:
    return User.objects.get(email=email)


def outside_organisation() -> Organisation:
    """An organisation in the portal but not in VISION, so the page offers to add an existing one."""
    return OrganisationFactory(slug="outside", short_name="Outside School", country="PL", city="Lublin")


def strategy() -> InternationalisationStrategy:
    return InternationalisationStrategy.objects.filter(organisation__slug="kmpmc").order_by("created_at").first()


def indicator() -> Indicator:
    return Indicator.objects.filter(goal__strategy=strategy()).order_by("created_at").first()


def event() -> TrainingEvent:
    return TrainingEvent.objects.filter(host_organisation__slug="kmpmc").order_by("start_date").first()


def unanswered_event() -> TrainingEvent:
    """The evaluation questions can change only while nobody has answered: start from such an event."""
    chosen = event()
    EvaluationResponse.objects.filter(event=chosen).delete()
    return chosen


def question_page() -> str:
    question = EvaluationQuestion.objects.filter(event=unanswered_event()).first()
    try:
        return reverse("training_events:question_edit", args=[question.event.code, question.code])
    except (NoReverseMatch, AttributeError):  # the question's public code is new (issue 12, point 7)
        return reverse("training_events:question_edit", args=[question.event.code, question.pk])


def open_memorandum_draft(client: Client) -> str:
    """An amendment of the memorandum in force, started through its rendered form, then its edit page."""
    memorandum = Memorandum.objects.filter(status=Memorandum.Status.IN_FORCE).first()
    page = url("ecvet:memorandum_amend", memorandum)
    prepare(client, page)
    draft = Memorandum.objects.filter(status=Memorandum.Status.DRAFT).latest("created_at")
    return url("ecvet:memorandum_edit", draft)


def prepare(client: Client, page: str, day: date | None = None) -> None:
    """Submit the page's rendered form for real (kept), to reach the page a case is about."""
    response = client.get(page)
    assert response.status_code == 200, f"{page} answered {response.status_code} while preparing the case"
    forms = posting_forms(response.content.decode(), page)
    assert forms, f"{page} offers no form to prepare the case"
    response, data, filled = submit(client, page, forms[0], day or timezone.localdate(), keep=True)
    assert response.status_code in (302, 303), f"preparing on {page}: {explain(response, data, filled)}"


def completed_without(model) -> Mobility:
    """A completed mobility Savo sent to KMPMC that has no `model` document yet."""
    return (
        Mobility.objects.filter(
            status=Mobility.Status.COMPLETED,
            learner__home_organisation__slug="savo",
            receiving_organisation__slug="kmpmc",
        )
        .exclude(pk__in=model.objects.values("mobility"))
        .order_by("start_date")
        .first()
    )


def transcript_draft(client: Client) -> str:
    """The host (KMPMC) builds the transcript through its page, then edits it."""
    mobility = completed_without(Transcript)
    prepare(client, url("ecvet:transcript_for_mobility", mobility))
    return url("ecvet:transcript_edit", Transcript.objects.get(mobility=mobility))


def europass_draft(client: Client, part: str) -> str:
    """The sending side (Savo) starts the Europass through its page; then a part of it is edited."""
    mobility = completed_without(EuropassMobility)
    sender = client
    if part != "sending":
        sender = Client()
        sender.force_login(user(SAVO))
    prepare(sender, url("ecvet:europass_for_mobility", mobility))
    return url(f"ecvet:europass_edit_{part}", EuropassMobility.objects.get(mobility=mobility))


def draft_grant_agreement() -> str:
    """Emma Visser's draft grant agreement in the demo (Nova sends her; support partly in kind)."""
    return url("ecvet:grant_edit", GrantAgreement.objects.get(status=GrantAgreement.Status.DRAFT))


def draft_agreement_version() -> LearningAgreementVersion:
    return LearningAgreementVersion.objects.filter(status=LearningAgreementVersion.Status.DRAFT).first()


def dissemination_event() -> DisseminationEvent:
    return DisseminationEvent.objects.order_by("created_at").first()


def public_result() -> PublicResult:
    return PublicResult.objects.select_related("partnership").first()


@dataclass
class Case:
    view: str
    account: str
    page: Callable[[Client], str]
    day: Callable[[], date] = timezone.localdate  # a date the form's dates may take
    form_with: tuple[str, str] | None = None  # the form holding this (name, value), when a page has several
    choose: Callable[[], dict] | None = None  # what a person picks on purpose, by field name
    label: str = ""
    target: Callable[[str], str] | None = None  # where the form posts, from the page's URL (default: the page)

    def __str__(self):
        who = f"{self.account.split('@')[0]}@{self.account.split('@')[1].split('.')[0]}"
        return f"{self.view}{'-' + self.label if self.label else ''}[{who}]"

    def pick(self, forms: list[Form]) -> Form | None:
        if self.form_with is None:
            return forms[0] if forms else None
        return next((form for form in forms if self.form_with in form.values()), None)


def in_vision() -> date:
    return date(2021, 3, 15)  # inside the VISION partnership (training events happen there)


def in_vision_mobility() -> date:
    """Today, kept inside the mobility project (with room for an end date after it), as the demo data is."""
    project = vision_mobility()
    return min(max(timezone.localdate(), project.start_date), project.end_date - timedelta(days=14))


CASES = [
    # partners
    Case("partners:organisation_edit", PC, lambda c: url("partners:organisation_edit", org("kmpmc"))),
    Case("partners:partnership_create", ADMIN, lambda c: url("partners:partnership_create")),
    Case("partners:partnership_edit", PC, lambda c: url("partners:partnership_edit", vision())),
    Case(
        "partners:partnership_add_member",
        PC,
        lambda c: url("partners:partnership_add_member", vision()),
        form_with=("action", "new"),
        label="new",
    ),
    Case(
        "partners:partnership_add_member",
        ADMIN,  # sees every organisation of the portal, so the one outside VISION too
        lambda c: outside_organisation() and url("partners:partnership_add_member", vision()),
        form_with=("action", "existing"),
        label="existing",
    ),
    Case("partners:strategy_edit", PC, lambda c: url("partners:strategy_edit", strategy())),
    Case("partners:goal_create", PC, lambda c: url("partners:goal_create", strategy())),
    Case(
        "partners:goal_edit",
        PC,
        lambda c: reverse("partners:goal_edit", kwargs={"code": strategy().code, "goal_code": indicator().goal.code}),
    ),
    Case("partners:indicator_create", PC, lambda c: reverse("partners:indicator_create", args=[indicator().goal.code])),
    Case(
        "partners:indicator_edit",
        PC,
        lambda c: reverse("partners:indicator_edit", args=[indicator().goal.code, indicator().code]),
    ),
    Case("partners:invitation_create", PC, lambda c: url("partners:invitation_create")),
    Case(
        "partners:membership_edit",
        PC,
        lambda c: url("partners:membership_edit", Membership.objects.get(user__email="mentor@kmpmc.example")),
    ),
    # mobility
    Case("mobility:learner_create", PC, lambda c: url("mobility:learner_create")),
    Case(
        "mobility:learner_edit",
        PC,
        lambda c: url("mobility:learner_edit", Learner.objects.filter(home_organisation__slug="kmpmc").first()),
    ),
    Case(
        "mobility:mobility_create",
        PC,
        lambda c: url("mobility:mobility_create"),
        day=in_vision_mobility,
        choose=lambda: {"receiving_organisation": org("nova").pk},
    ),
    Case(
        "mobility:mobility_edit",
        PC,
        lambda c: url(
            "mobility:mobility_edit",
            Mobility.objects.filter(learner__home_organisation__slug="kmpmc", status=Mobility.Status.DRAFT).first(),
        ),
        day=in_vision_mobility,
    ),
    Case(
        "mobility:assessment",
        "mentor@nova.example",
        lambda c: url(
            "mobility:assessment",
            Mobility.objects.filter(mentor__email="mentor@nova.example", status=Mobility.Status.IN_MOBILITY).first(),
        ),
    ),
    Case("mobility:report", "learner@nova.example", lambda c: url("mobility:report", complete_lottes_stay())),
    # ecvet
    Case("ecvet:qualification_create", PC, lambda c: url("ecvet:qualification_create")),
    Case(
        "ecvet:qualification_edit",
        PC,
        lambda c: url("ecvet:qualification_edit", Qualification.objects.filter(organisation__slug="kmpmc").first()),
    ),
    Case(
        "ecvet:unit_create",
        PC,
        lambda c: url("ecvet:unit_create", Qualification.objects.filter(organisation__slug="kmpmc").first()),
    ),
    Case(
        "ecvet:unit_edit",
        PC,
        lambda c: url("ecvet:unit_edit", Unit.objects.filter(qualification__organisation__slug="kmpmc").first()),
    ),
    Case(
        "ecvet:memorandum_create",
        PC,
        lambda c: url("ecvet:memorandum_create"),
        day=in_vision_mobility,
        choose=lambda: {"partnership": vision_mobility().pk},
    ),
    Case("ecvet:memorandum_edit", PC, open_memorandum_draft, day=in_vision_mobility),
    Case(
        "ecvet:agreement_edit",
        PC,
        lambda c: url("ecvet:agreement_edit", draft_agreement_version()),
    ),
    Case("ecvet:transcript_edit", PC, transcript_draft),
    Case("ecvet:europass_edit_sending", SAVO, lambda c: europass_draft(c, "sending")),
    Case("ecvet:grant_edit", "coordinator@nova.example", lambda c: draft_grant_agreement()),
    Case("ecvet:europass_edit_host", PC, lambda c: europass_draft(c, "host")),
    # training events
    Case(
        "training_events:event_create",
        PC,
        lambda c: f"{url('training_events:event_create')}?partnership={vision().slug}",
        day=in_vision,
    ),
    Case("training_events:event_edit", PC, lambda c: url("training_events:event_edit", event()), day=in_vision),
    Case("training_events:session_create", PC, lambda c: url("training_events:session_create", event()), day=in_vision),
    Case(
        "training_events:session_edit",
        PC,
        lambda c: url("training_events:session_edit", Session.objects.filter(event=event()).first()),
        day=in_vision,
    ),
    Case("training_events:question_edit", PC, lambda c: question_page()),
    # dissemination
    Case("dissemination:event_create", PC, lambda c: for_vision("dissemination:event_create"), day=in_vision),
    Case(
        "dissemination:event_edit",
        PC,
        lambda c: url("dissemination:event_edit", dissemination_event()),
        day=in_vision,
    ),
    Case("dissemination:activity_create", PC, lambda c: for_vision("dissemination:activity_create"), day=in_vision),
    Case(
        "dissemination:activity_edit",
        PC,
        lambda c: url("dissemination:activity_edit", Activity.objects.order_by("created_at").first()),
        day=in_vision,
    ),
    Case(
        "dissemination:public_result_create",
        PC,
        lambda c: reverse("dissemination:public_result_create", kwargs={"slug": public_result().partnership.slug}),
        choose=lambda: {"link": "https://example.org/result"},  # a result is a link or a file
    ),
    Case(
        "dissemination:public_result_edit",
        PC,
        lambda c: reverse(
            "dissemination:public_result_edit",
            kwargs={"slug": public_result().partnership.slug, "code": public_result().code},
        ),
    ),
    # reporting
    Case("reporting:cost_create", PC, lambda c: reverse("reporting:cost_create", args=[vision().slug]), day=in_vision),
    Case(
        "reporting:cost_edit",
        PC,
        lambda c: reverse(
            "reporting:cost_edit",
            kwargs={"slug": vision().slug, "code": Cost.objects.filter(partnership=vision()).first().code},
        ),
        day=in_vision,
    ),
]


# Form pages whose names carry no form word, worth the same check: the people's main forms.
CASES += [
    Case("partners:indicator_value", PC, lambda c: url("partners:indicator_value", indicator())),
    Case("partners:profile", "mentor@nova.example", lambda c: url("partners:profile")),
    Case(
        "ecvet:agreement_for_mobility",
        PC,
        lambda c: url(
            "ecvet:agreement_for_mobility",
            # Agreed (or later) mobilities have their agreement in force (check_chain): start one for a draft.
            Mobility.objects.filter(
                learner__home_organisation__slug="kmpmc",
                status__in=[Mobility.Status.DRAFT, Mobility.Status.PLANNED],
                learning_agreement__isnull=True,
            ).first(),
        ),
    ),
    Case("training_events:question_list", PC, lambda c: url("training_events:question_list", unanswered_event())),
    Case("training_events:material_list", PC, lambda c: url("training_events:material_list", event())),
    Case(
        "dissemination:file_upload",
        PC,
        lambda c: url("dissemination:event_detail", dissemination_event()),
        target=lambda page: url("dissemination:file_upload", dissemination_event()),  # the form on the event page
    ),
    Case("dissemination:reach_targets", PC, lambda c: reverse("dissemination:reach_targets", args=[vision().slug])),
    Case("dissemination:public_settings", PC, lambda c: reverse("dissemination:public_settings", args=[vision().slug])),
    Case("reporting:allocations", PC, lambda c: reverse("reporting:allocations", args=[vision().slug])),
]


def kmpmc_host() -> HostCompany:
    return HostCompany.objects.filter(organisation__slug="kmpmc").order_by("name").first()


def open_placement_at(slug: str) -> Placement:
    return Placement.objects.filter(host__organisation__slug=slug).order_by("start_date", "title").first()


def adult_learner_of(slug: str) -> dict:
    """A learner of `slug` who may take any demo placement: adult, EQF level 4 or more, not yet placed."""
    learner = (
        Learner.objects.filter(home_organisation__slug=slug, eqf_level__gte=4, date_of_birth__lte=date(2008, 1, 1))
        .order_by("last_name", "pk")
        .first()
    )
    return {"learner": learner.pk}


CASES += [
    Case("placements:host_create", PC, lambda c: f"{url('placements:host_create')}?organisation=kmpmc"),
    Case("placements:host_edit", PC, lambda c: url("placements:host_edit", kmpmc_host())),
    Case(
        "placements:placement_create",
        PC,
        lambda c: url("placements:placement_create", kmpmc_host()),
        day=in_vision_mobility,
        choose=lambda: {"partnership": vision_mobility().pk},
    ),
    Case("placements:placement_edit", PC, lambda c: url("placements:placement_edit", open_placement_at("kmpmc"))),
    Case(
        "placements:place_learner",
        PC,
        lambda c: url("placements:place_learner", open_placement_at("nova")),
        choose=lambda: adult_learner_of("kmpmc"),
    ),
]


def test_every_form_page_has_a_case_or_an_exemption():
    names = form_view_names()
    covered = {case.view for case in CASES}
    assert names - covered - set(EXEMPT) == set(), "form pages without a rendered-form case or an exemption"
    assert not covered & set(EXEMPT), "a page is both tested and exempted"
    assert set(EXEMPT) <= names, f"stale exemptions: {set(EXEMPT) - names}"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_form_saves_as_rendered(demo_world, db, case):
    client = Client()
    client.force_login(demo_world.user(case.account))
    page = case.page(client)
    response = client.get(page)
    assert response.status_code == 200, f"{case.account} cannot open {page}: {response.status_code}"
    target = case.target(page) if case.target else page
    form = case.pick(posting_forms(response.content.decode(), page, target))
    assert form is not None, f"{page} renders no form that posts to {target}" + (
        f" holding {case.form_with}" if case.form_with else ""
    )
    choose = case.choose() if case.choose else None
    response, data, filled = submit(client, target, form, case.day(), choose=choose)
    assert response.status_code in (302, 303), f"{case.view} as {case.account} on {page}: " + explain(
        response, data, filled
    )
