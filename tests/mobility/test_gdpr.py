"""GDPR: a coordinator exports everything about one learner, and erases a learner without a trace."""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mobility.models import (
    AssessmentResult,
    ChecklistItem,
    Learner,
    LearnerAnswer,
    MentorAssessment,
    Mobility,
    MobilityStatusChange,
    SoftSkill,
    SoftSkillRating,
    SurveyQuestion,
)
from mobility.services import gdpr
from mobility.services.checklists import generate_checklist
from mobility.services.lifecycle import transition
from partners import audit
from partners.models import AuditEntry, Invitation, Membership, Role
from tests.factories import PASSWORD, InvitationFactory, MembershipFactory, UserFactory
from tests.factories_mobility import (
    AssessmentItemFactory,
    LearnerFactory,
    LearnerReportFactory,
    MentorAssessmentFactory,
    MobilityFactory,
    SurveyQuestionFactory,
)

FIRST, LAST = "Zéphyrine", "Quaxworth-Ölund"
EMAIL = "zephyrine.quaxworth@example.org"
PRIVATE_EMAIL = "zq.private@example.net"
BIRTH = date(2003, 7, 19)
# Every spelling that must be gone after the erasure (compared case-insensitively).
NEEDLES = [
    "Zéphyrine",
    "Zephyrine",
    "Quaxworth",
    "Ölund",
    EMAIL,
    PRIVATE_EMAIL,
    "+31 6 1234 5678",
    "2003-07-19",
    "19.07.2003",
    "19/07/2003",
]


def erase_url(learner):
    return reverse("mobility:learner_erase", kwargs={"code": learner.code})


def export_url(learner, fmt="html"):
    return reverse("mobility:learner_export", kwargs={"code": learner.code}) + f"?format={fmt}"


def database_text() -> str:
    """Every row of every table, as text."""
    chunks = []
    for model in apps.get_models():
        rows = serializers.serialize("python", model._base_manager.all())
        chunks.append(json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False))
    return "\n".join(chunks).casefold()


@dataclass
class Story:
    learner: Learner
    account: object
    m1: Mobility
    m2: Mobility
    evidence_path: Path


@pytest.fixture
def story(world, settings, tmp_path) -> Story:
    """A learner of B with a long history: account, invitation, two mobilities, checklist with a file,
    an assessment, a report and audit entries that all mention them."""
    settings.MEDIA_ROOT = tmp_path
    learner = LearnerFactory(
        home_organisation=world.org_b,
        first_name=FIRST,
        last_name=LAST,
        email=EMAIL,
        date_of_birth=BIRTH,
        guardian_name="Marta Quaxworth",
        emergency_contact_name="Marta Quaxworth",
        emergency_contact_phone="+31 6 1234 5678",
        fewer_opportunities=True,
    )
    account = UserFactory(email=EMAIL, first_name=FIRST, last_name=LAST, phone="+31 6 1234 5678")
    EmailAddress.objects.create(user=account, email=PRIVATE_EMAIL, verified=True, primary=False)
    Authenticator.objects.create(user=account, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    MembershipFactory(user=account, organisation=world.org_b, role=Role.LEARNER)
    learner.user = account
    learner.save()
    InvitationFactory(
        organisation=world.org_b,
        email=EMAIL,
        first_name=FIRST,
        last_name=LAST,
        role=Role.LEARNER,
        invited_by=world.partner_b,
    )

    m1 = MobilityFactory(
        learner=learner,
        partnership=world.p1,
        receiving_organisation=world.org_a,
        tutor=world.partner_b,
        planned_activities=f"{FIRST} shadows the salon manager.",
    )
    m2 = MobilityFactory(
        learner=learner, partnership=world.p1, receiving_organisation=world.org_a, start_date=date(2021, 9, 6)
    )
    transition(m1, Mobility.Status.PLANNED, by=world.partner_b, reason=f"{FIRST} {LAST} confirmed by phone")
    transition(m2, Mobility.Status.CANCELLED, by=world.partner_b, reason="Fell ill; born 19.07.2003")

    generate_checklist(m1)
    first, second = ChecklistItem.objects.filter(mobility=m1)[:2]
    first.note = f"Called {FIRST}'s guardian, Marta Quaxworth."
    first.done_at = timezone.now()
    first.evidence.save("zephyrine-quaxworth-insurance.pdf", ContentFile(b"%PDF-1.4 insurance"), save=False)
    first.save()
    second.note = f"Write to {EMAIL}"
    second.save()

    item = AssessmentItemFactory(mobility=m1, text="Performs a facial treatment safely")
    assessment = MentorAssessmentFactory(mobility=m1, assessor=world.partner_b, overall_comment=f"{LAST} did great.")
    AssessmentResult.objects.create(
        assessment=assessment, item=item, result="achieved", evidence=f"Observed {FIRST} on 19/07/2003"
    )
    SoftSkillRating.objects.create(
        assessment=assessment, skill=SoftSkill.COMMUNICATION, rating=4, comment=f"{FIRST} talks to clients"
    )

    scale = SurveyQuestionFactory(partnership=world.p1, kind=SurveyQuestion.Kind.SCALE)
    text = SurveyQuestionFactory(partnership=world.p1, kind=SurveyQuestion.Kind.TEXT)
    report = LearnerReportFactory(mobility=m1, submitted_at=timezone.now())
    LearnerAnswer.objects.create(report=report, question=scale, scale_value=5)
    LearnerAnswer.objects.create(report=report, question=text, text=f"I am {FIRST} {LAST}, write to {EMAIL}.")

    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Zephyrine's laptop")
    audit.record(actor=world.partner_b, verb=AuditEntry.Verb.VIEWED, obj=learner, organisation=world.org_b)
    audit.record(
        actor=account,
        verb=AuditEntry.Verb.UPDATED,
        obj=account,
        request=request,
        details={"fields": ["first_name"], "first_name": {"from": "Zeph", "to": FIRST}, "born": "2003-07-19"},
    )
    # An entry about another record (e.g. an import) that names the learner.
    audit.record(
        actor=world.partner_b,
        verb=AuditEntry.Verb.CREATED,
        obj=world.org_b,
        organisation=world.org_b,
        details={"imported": [f"{FIRST} {LAST}"]},
    )
    LogEntry.objects.create(
        user=world.admin,
        content_type=ContentType.objects.get_for_model(Learner),
        object_id=str(learner.pk),
        object_repr=str(learner),
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["Email"]}}]),
    )
    return Story(learner=learner, account=account, m1=m1, m2=m2, evidence_path=Path(first.evidence.path))


# --- the erasure leaves no trace ----------------------------------------------------------------------


def test_erasure_leaves_no_trace_of_name_email_or_birth_date_anywhere_in_the_database(
    world, story, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.partner_b)
    client.get(export_url(story.learner, "json"))  # an export before the erasure is audited too
    text = database_text()
    assert all(needle.casefold() in text for needle in NEEDLES if needle != "Zephyrine")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(erase_url(story.learner), {"last_name": LAST.upper(), "reason": f"{FIRST} asked us"})

    assert response.status_code == 302
    text = database_text()
    leftovers = [needle for needle in NEEDLES if needle.casefold() in text]
    assert leftovers == []


def test_erasure_keeps_what_the_grant_reporting_needs(world, story):
    before = list(Mobility.objects.filter(learner=story.learner).values().order_by("pk"))

    gdpr.erase_learner(story.learner, by=world.partner_b, reason="Request of the learner")

    after = list(Mobility.objects.filter(learner=story.learner).values().order_by("pk"))
    assert len(after) == 2
    kept = ["start_date", "end_date", "sending_organisation_id", "receiving_organisation_id", "partnership_id"]
    kept += ["kind", "status", "travel_days", "distance_km", "host_company"]
    assert [{k: m[k] for k in kept} for m in after] == [{k: m[k] for k in kept} for m in before]
    learner = Learner.objects.get(pk=story.learner.pk)
    assert learner.anonymised_at is not None
    assert learner.home_organisation == world.org_b
    assert learner.fewer_opportunities is True
    assert learner.eqf_level == 4
    assert learner.date_of_birth is None and learner.gender == "" and not learner.nationality
    assert MobilityStatusChange.objects.filter(mobility__learner=learner).count() == 2
    assert ChecklistItem.objects.filter(mobility=story.m1, done_at__isnull=False).count() == 1
    assert AssessmentResult.objects.get(assessment__mobility=story.m1).result == "achieved"
    assert SoftSkillRating.objects.get(assessment__mobility=story.m1).rating == 4
    assert LearnerAnswer.objects.filter(report__mobility=story.m1, scale_value=5).exists()


def test_erasure_closes_the_portal_account(world, story, client_for):
    client = client_for(story.account)
    assert client.get(reverse("partners:profile")).status_code == 200

    gdpr.erase_learner(story.learner, by=world.partner_b, reason="Request of the learner")

    account = type(story.account).objects.get(pk=story.account.pk)
    assert not account.is_active and not account.has_usable_password()
    assert account.email.endswith("@erased.invalid")
    assert not EmailAddress.objects.filter(user=account).exists()
    assert not Authenticator.objects.filter(user=account).exists()
    assert not Membership.objects.filter(user=account, is_active=True).exists()
    assert authenticate(email=EMAIL, password=PASSWORD) is None
    # The session opened before the erasure no longer signs anyone in.
    response = client.get(reverse("partners:profile"))
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_erasure_withdraws_invitations_to_the_learner(world, story):
    gdpr.erase_learner(story.learner, by=world.partner_b, reason="Request of the learner")

    invitation = Invitation.objects.get(organisation=world.org_b, role=Role.LEARNER)
    assert invitation.email.endswith("@erased.invalid")
    assert invitation.first_name == invitation.last_name == ""
    assert invitation.status == Invitation.Status.REVOKED


def test_erasure_deletes_evidence_files_from_storage(world, story, django_capture_on_commit_callbacks):
    assert story.evidence_path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        result = gdpr.erase_learner(story.learner, by=world.partner_b, reason="Request of the learner")

    assert result.evidence_files == 1
    assert not story.evidence_path.exists()
    assert not ChecklistItem.objects.filter(mobility=story.m1).exclude(evidence="").exists()


def test_erasure_records_itself_in_the_audit_log_without_personal_data(world, story):
    gdpr.erase_learner(story.learner, by=world.partner_b, reason=f"{FIRST} {LAST} asked on 3 May")

    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.DELETED, object_code=str(story.learner.code))
    assert entry.actor == world.partner_b
    assert entry.details["learner"] == str(story.learner.code)
    assert entry.details["reason"] == "[erased] asked on 3 May"
    assert entry.details["mobilities_kept"] == 2
    assert FIRST not in entry.object_repr


def test_erasure_scrubs_the_learners_own_actions_in_the_audit_log(world, story):
    gdpr.erase_learner(story.learner, by=world.partner_b, reason="Request")

    own = AuditEntry.objects.get(object_type="partners.user", object_code=str(story.account.code))
    assert own.actor_email.endswith("@erased.invalid")
    assert own.ip_address is None and own.user_agent == ""
    assert own.details["fields"] == ["first_name"]  # which fields changed stays readable
    assert own.details["first_name"] == {"from": "[erased]", "to": "[erased]"}


def test_erasing_twice_is_harmless(world, story):
    gdpr.erase_learner(story.learner, by=world.partner_b, reason="Request")
    entries = AuditEntry.objects.count()
    learner = Learner.objects.get(pk=story.learner.pk)

    result = gdpr.erase_learner(learner, by=world.partner_b, reason="Again")

    assert result.already_done
    assert AuditEntry.objects.count() == entries
    assert Learner.objects.get(pk=learner.pk).last_name == learner.last_name


def test_erase_without_confirmation_gives_form_errors_and_changes_nothing(world, story, client_for):
    client = client_for(world.partner_b)

    response = client.post(erase_url(story.learner), {"last_name": "", "reason": ""})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"last_name", "reason"}
    learner = Learner.objects.get(pk=story.learner.pk)
    assert (learner.first_name, learner.email, learner.anonymised_at) == (FIRST, EMAIL, None)
    assert not AuditEntry.objects.filter(verb=AuditEntry.Verb.DELETED).exists()
    assert story.evidence_path.exists()


def test_erase_with_the_wrong_last_name_is_refused(world, story, client_for):
    response = client_for(world.partner_b).post(erase_url(story.learner), {"last_name": "Smith", "reason": "Request"})

    assert response.status_code == 200
    assert response.context["form"].errors["last_name"] == ["This is not the learner's last name."]
    assert Learner.objects.get(pk=story.learner.pk).anonymised_at is None


def test_project_coordinator_erases_a_partners_learner(world, story, client_for):
    response = client_for(world.pc_a).post(erase_url(story.learner), {"last_name": LAST, "reason": "Request"})

    assert response.status_code == 302
    assert response.url == story.learner.get_absolute_url()
    assert Learner.objects.get(pk=story.learner.pk).anonymised_at is not None


def test_erase_page_explains_what_is_removed_and_what_is_kept(world, story, client_for):
    response = client_for(world.partner_b).get(erase_url(story.learner))

    content = response.content.decode()
    assert "Removed" in content and "Kept, anonymised, for the grant reporting" in content
    assert content.count("<h1") == 1
    assert 'name="last_name"' in content and 'name="reason"' in content


def test_erased_learners_page_says_so_and_offers_no_form(world, story, client_for):
    gdpr.erase_learner(story.learner, by=world.partner_b, reason="Request")
    client = client_for(world.partner_b)

    page = client.get(erase_url(story.learner))
    again = client.post(erase_url(story.learner), {"last_name": "x", "reason": "y"})

    assert page.status_code == 200 and 'name="last_name"' not in page.content.decode()
    assert again.status_code == 302


def test_a_learner_whose_account_also_works_as_staff_is_not_erased(world, client_for):
    learner = LearnerFactory(home_organisation=world.org_b, user=world.mentor_b)

    with pytest.raises(gdpr.ValidationError):
        gdpr.erase_learner(learner, by=world.partner_b, reason="Request")
    response = client_for(world.partner_b).post(erase_url(learner), {"last_name": learner.last_name, "reason": "x"})

    assert response.status_code == 200 and response.context["refusal"]
    assert Learner.objects.get(pk=learner.pk).anonymised_at is None
    assert world.mentor_b.email == type(world.mentor_b).objects.get(pk=world.mentor_b.pk).email


# --- the export holds everything -----------------------------------------------------------------------


def test_json_export_is_a_download_with_every_section(world, story, client_for):
    response = client_for(world.partner_b).get(export_url(story.learner, "json"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="learner-{story.learner.code}.json"'
    data = json.loads(response.content)
    assert data["format"] == gdpr.EXPORT_FORMAT
    assert data["learner"]["first_name"] == FIRST
    assert data["learner"]["date_of_birth"] == "2003-07-19"
    assert data["learner"]["home_organisation"] == "Beta College"
    assert data["account"]["email"] == EMAIL
    assert {a["email"] for a in data["account"]["email_addresses"]} == {EMAIL, PRIVATE_EMAIL}
    assert [m["role"] for m in data["account"]["memberships"]] == ["learner"]
    m1, m2 = data["mobilities"]
    assert m1["start_date"] == "2021-04-12" and m1["receiving_organisation"] == "Alpha VET"
    assert [c["reason"] for c in m1["status_history"]] == [f"{FIRST} {LAST} confirmed by phone"]
    assert m2["status_history"][0]["to_status"] == "cancelled"
    notes = [i["note"] for i in m1["checklist"] if i["note"]]
    assert notes == [f"Called {FIRST}'s guardian, Marta Quaxworth.", f"Write to {EMAIL}"]
    assert any(i["evidence"].endswith(".pdf") for i in m1["checklist"])
    assert m1["assessment_items"][0]["text"] == "Performs a facial treatment safely"
    (assessment,) = m1["assessments"]
    assert assessment["results"][0]["evidence"] == f"Observed {FIRST} on 19/07/2003"
    assert assessment["soft_skills"][0] == {
        "skill": "communication",
        "rating": 4,
        "comment": f"{FIRST} talks to clients",
    }
    answers = {a["question_kind"]: a for a in m1["learner_report"]["answers"]}
    assert answers["scale"]["scale_value"] == 5 and EMAIL in answers["text"]["text"]
    assert answers["text"]["question"].startswith("How satisfied")
    assert m2["learner_report"] is None
    assert [i["email"] for i in data["invitations"]] == [EMAIL]
    types = {e["object_type"] for e in data["audit_entries"]}
    assert {"mobility.learner", "mobility.mobility", "partners.user", "partners.organisation"} <= types
    own = next(e for e in data["audit_entries"] if e["object_type"] == "partners.user")
    assert own["ip_address"] == "203.0.113.7"  # the learner's own action: their address is theirs
    staff = next(e for e in data["audit_entries"] if e["object_type"] == "mobility.mobility")
    assert "ip_address" not in staff


def test_export_is_recorded_in_the_audit_log(world, story, client_for):
    client_for(world.partner_b).get(export_url(story.learner, "json"))

    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.EXPORTED)
    assert (entry.actor, entry.object_code, entry.organisation) == (
        world.partner_b,
        str(story.learner.code),
        world.org_b,
    )
    assert entry.details == {"format": "json", "gdpr": True}


def test_html_export_is_a_readable_page_with_a_heading_per_section(world, story, client_for):
    response = client_for(world.partner_b).get(export_url(story.learner))

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<h1") == 1
    for heading in ["Learner", "Portal account", "Mobilities", "Status history", "Quality checklist"]:
        assert f">{heading}</h" in content
    for heading in ["Mentor assessments", "Learner report", "Invitations", "Audit log entries"]:
        assert f">{heading}</h" in content
    assert f"I am {FIRST} {LAST}" in content
    assert 'th scope="col"' in content and 'th scope="row"' in content
    assert AuditEntry.objects.get(verb=AuditEntry.Verb.EXPORTED).details["format"] == "html"


def test_export_of_an_erased_learner_shows_only_anonymised_data(world, story, client_for):
    gdpr.erase_learner(story.learner, by=world.partner_b, reason="Request")

    response = client_for(world.partner_b).get(export_url(story.learner, "json"))

    assert response.status_code == 200
    text = response.content.decode().casefold()
    assert [needle for needle in NEEDLES if needle.casefold() in text] == []


def _learner_with_history(world, mobilities: int) -> Learner:
    learner = LearnerFactory(home_organisation=world.org_b)
    account = UserFactory()
    MembershipFactory(user=account, organisation=world.org_b, role=Role.LEARNER)
    learner.user = account
    learner.save()
    question = SurveyQuestionFactory(partnership=world.p1)
    for n in range(mobilities):
        mobility = MobilityFactory(learner=learner, partnership=world.p1, receiving_organisation=world.org_a)
        transition(mobility, Mobility.Status.PLANNED, by=world.partner_b)
        generate_checklist(mobility)
        item = AssessmentItemFactory(mobility=mobility)
        assessment = MentorAssessmentFactory(mobility=mobility, status=MentorAssessment.Status.SUBMITTED)
        AssessmentResult.objects.create(assessment=assessment, item=item, result="partly")
        SoftSkillRating.objects.create(assessment=assessment, skill=SoftSkill.TEAMWORK, rating=3)
        report = LearnerReportFactory(mobility=mobility)
        LearnerAnswer.objects.create(report=report, question=question, scale_value=n % 5 + 1)
        InvitationFactory(organisation=world.org_b, email=learner.email, invited_by=world.partner_b)
    return learner


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_export_runs_the_same_number_of_queries_for_a_short_and_a_long_history(
    world, client_for, fmt, django_assert_max_num_queries
):
    client = client_for(world.partner_b)
    counts = []
    for size in (1, 6):
        learner = _learner_with_history(world, size)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(export_url(learner, fmt)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(30):
        client.get(export_url(learner, fmt))


# --- pieces ----------------------------------------------------------------------------------------------


def test_scrubber_replaces_names_as_words_emails_and_birth_dates_in_every_notation():
    scrub = gdpr.Scrubber(names=["Ana", "Li", "Ana Li"], emails=["ana@example.org"], dates=[date(2004, 3, 9)])

    assert scrub.text("Ana Li (ana@example.org) was born 09.03.2004") == "[erased] ([erased]) was born [erased]"
    assert scrub.text("Born 9/3/2004, or 2004-03-09T00:00, or 09/03/2004") == (
        "Born [erased], or [erased]T00:00, or [erased]"
    )
    # Whole words only: "Analysis" and "Lima" are other words.
    assert scrub.text("Analysis in Lima by Li") == "Analysis in Lima by [erased]"
    assert scrub.text("Room 2004-03-091") == "Room 2004-03-091"


def test_scrubber_erases_free_text_values_in_json_and_keeps_field_names():
    scrub = gdpr.Scrubber(names=["Ana Li"])

    assert scrub.json({"fields": ["first_name"], "reason": "ill", "to": "planned", "who": ["Ana Li", 3]}) == {
        "fields": ["first_name"],
        "reason": "[erased]",
        "to": "planned",
        "who": ["[erased]", 3],
    }


def test_scrubber_erases_whole_any_audit_value_that_mentions_a_name_part_whatever_its_key():
    scrub = gdpr.Scrubber(names=["Austėja", "Kairytė", "Austėja Kairytė"], emails=["ak@example.org"])

    details = {
        "zip": "mobility-kairyte-1a2b3c4d.zip",  # a slug: no accent, lower case
        "file": "sealed/9f/AustejaKairyte.pdf",  # run together
        "fields": ["last_name"],
        "count": 3,
        "to": "planned",
        "pdf": "1a2b3c4d-0000",
    }
    assert scrub.audit_json(details) == {
        "zip": "[erased]",
        "file": "[erased]",
        "fields": ["last_name"],
        "count": 3,
        "to": "planned",
        "pdf": "1a2b3c4d-0000",
    }
    assert scrub.audit_text("Transcript of Austėja K. (2024)") == "Transcript of [erased] K. (2024)"  # words suffice
    assert scrub.audit_text("Transcript of austeja-k (2024)") == "[erased]"
    assert scrub.audit_text("Europass Mobility") == "Europass Mobility"


def test_scrubber_matches_short_name_parts_only_between_non_letters():
    scrub = gdpr.Scrubber(names=["Ona Li", "Ona", "Li"])
    assert scrub.mentions("mobility-ona-12.zip") and scrub.mentions("ONA")
    assert not scrub.mentions("personal donation") and not scrub.mentions("Lima")


def test_gdpr_actions_show_only_to_those_who_may_manage_the_learner(world, story):
    shown = render_to_string(
        "mobility/includes/learner_gdpr_actions.html", {"learner": story.learner, "can_manage": True}
    )
    hidden = render_to_string(
        "mobility/includes/learner_gdpr_actions.html", {"learner": story.learner, "can_manage": False}
    )

    assert "Export this learner's data" in shown and "Erase this learner" in shown
    assert erase_url(story.learner) in shown and export_url(story.learner, "json") in shown
    assert hidden.strip() == ""
