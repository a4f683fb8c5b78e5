"""The coordinators' pages: a call (create with the placements picker, criteria, publish/close/cancel), its
applications (list filtered by status, an application, documents through access, corrections), the paper entry,
and the query budgets of the lists."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import AuditEntry
from partners.workflow import move
from placements.models import Placement
from selection.models import Application, Call, Criterion
from tests.factories_placements import PlacementFactory
from tests.factories_selection import PDF_BYTES, ApplicationFactory, CallFactory

from .test_public import pdf

pytestmark = pytest.mark.django_db


def deadline_input(days=30):
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def call_data(**overrides):
    data = {
        "title": "Beauty internships 2027",
        "text": "Three weeks abroad.",
        "local_language": "lt",
        "title_local": "Grožio praktika 2027",
        "text_local": "Trys savaitės.",
        "destinations": "Italy",
        "places": "4",
        "eqf_min": "3",
        "eqf_max": "4",
        "age_min": "16",
        "study_years": ["2", "3"],
        "deadline": deadline_input(),
        "requires_motivation_letter": "on",
        "requires_cv": "on",
        "requires_guardian_consent": "on",
        "fewer_opportunities_points": "5",
        "retention_months": "12",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_coordinator_creates_a_draft_call_offering_published_placements_of_the_partnership(world, client_for):
    offered = PlacementFactory(partnership=world.p1, host__organisation=world.org_b, title="Salon in Haarlem")
    draft = PlacementFactory(partnership=world.p1, host__organisation=world.org_b, title="Draft placement")
    Placement.objects.filter(pk=draft.pk).update(status=Placement.Status.DRAFT)
    elsewhere = PlacementFactory(partnership=world.p2, host__organisation=world.org_c, title="Kuopio spa")
    client = client_for(world.pc_a)
    url = reverse("selection:call_create") + "?partnership=p1"
    page = client.get(url).content.decode()
    assert "Salon in Haarlem" in page
    assert "Draft placement" not in page and "Kuopio spa" not in page
    response = client.post(url, call_data(organisation=world.org_a.pk, placements=[offered.pk]))
    assert response.status_code == 302
    call = Call.objects.get()
    assert (call.organisation, call.partnership, call.status) == (world.org_a, world.p1, Call.Status.DRAFT)
    assert list(call.placements.all()) == [offered]
    assert call.study_years == [2, 3] and call.created_by == world.pc_a
    assert AuditEntry.objects.filter(object_code=str(call.code), verb="created").exists()
    # Another partnership's placement is not a choice.
    response = client.post(url, call_data(organisation=world.org_a.pk, placements=[elsewhere.pk]))
    assert response.status_code == 200 and "placements" in response.context["form"].errors
    assert Call.objects.count() == 1


def test_a_call_form_with_bad_values_gives_field_errors(world, client_for):
    client = client_for(world.pc_a)
    url = reverse("selection:call_create") + "?partnership=p1"
    response = client.post(
        url,
        call_data(
            organisation=world.org_a.pk,
            deadline=deadline_input(-1),
            eqf_min="4",
            eqf_max="3",
            destinations="",
            places="0",
        ),
    )
    errors = response.context["form"].errors
    assert {"deadline", "eqf_max", "destinations", "places"} <= set(errors)
    assert not Call.objects.exists()


def test_a_forged_organisation_is_refused(world, client_for):
    response = client_for(world.pc_a).post(
        reverse("selection:call_create") + "?partnership=p1", call_data(organisation=world.org_b.pk)
    )
    assert response.status_code == 403
    assert not Call.objects.exists()


def test_criteria_then_publish_close_and_cancel(world, client_for):
    call = CallFactory(organisation=world.org_a, partnership=world.p1, criteria=[])
    client = client_for(world.pc_a)
    detail = client.get(call.get_absolute_url()).content.decode()
    assert "The call has no selection criteria." in detail
    # Publishing without criteria is refused.
    client.post(reverse("selection:call_move", kwargs={"code": call.code, "name": "publish"}))
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT
    url = reverse("selection:call_criteria", kwargs={"code": call.code})
    formset = {
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "1",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-name": "Motivation",
        "criteria-0-weight": "2",
        "criteria-0-max_points": "10",
        "criteria-0-order": "0",
        "criteria-1-name": "Skills",
        "criteria-1-weight": "0",
        "criteria-1-max_points": "10",
        "criteria-1-order": "1",
    }
    response = client.post(url, formset)
    assert response.status_code == 200  # a weight of 0 is a field error
    assert not Criterion.objects.filter(call=call).exists()
    response = client.post(url, {**formset, "criteria-1-weight": "1.5"})
    assert response.status_code == 302
    assert list(Criterion.objects.filter(call=call).values_list("name", "weight")) == [
        ("Motivation", 2),
        ("Skills", 1.5),
    ]
    client.post(reverse("selection:call_move", kwargs={"code": call.code, "name": "publish"}))
    call.refresh_from_db()
    assert call.status == Call.Status.PUBLISHED and call.published_at is not None
    # Criteria are fixed once published.
    client.post(url, {**formset, "criteria-1-weight": "3"})
    assert Criterion.objects.get(call=call, name="Skills").weight == 1.5
    client.post(reverse("selection:call_move", kwargs={"code": call.code, "name": "close"}))
    call.refresh_from_db()
    assert call.status == Call.Status.CLOSED and call.closed_at is not None
    # Cancelling needs a reason.
    client.post(reverse("selection:call_move", kwargs={"code": call.code, "name": "cancel"}))
    call.refresh_from_db()
    assert call.status == Call.Status.CLOSED
    client.post(reverse("selection:call_move", kwargs={"code": call.code, "name": "cancel"}), {"reason": "No funds"})
    call.refresh_from_db()
    assert call.status == Call.Status.CANCELLED
    assert [c.to_state for c in call.state_history()] == ["published", "closed", "cancelled"]


def test_the_decision_moves_are_not_offered_here(world, client_for):
    call = CallFactory(organisation=world.org_a, partnership=world.p1, status=Call.Status.CLOSED)
    response = client_for(world.pc_a).post(reverse("selection:call_move", kwargs={"code": call.code, "name": "decide"}))
    assert response.status_code == 403
    call.refresh_from_db()
    assert call.status == Call.Status.CLOSED


def test_a_coordinator_enters_a_paper_application(world, client_for, mailoutbox, django_capture_on_commit_callbacks):
    call = CallFactory(organisation=world.org_a, partnership=world.p1, status=Call.Status.PUBLISHED)
    client = client_for(world.pc_a)
    data = {
        "first_name": "Jonas",
        "last_name": "Jonaitis",
        "email": "jonas@example.org",
        "date_of_birth": "2004-06-01",
        "language": "lt",
        "qualification_title": "Beautician",
        "eqf_level": "4",
        "study_year": "3",
        "consent_on_paper": "on",
        "motivation": pdf(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("selection:application_create", kwargs={"code": call.code}), data)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.entered_by == world.pc_a and application.consent_at is not None
    # Submitted at once and checked: the CV is missing.
    assert application.status == Application.Status.INELIGIBLE
    assert application.ineligibility_reasons == ["The CV is missing."]
    assert [m.to for m in mailoutbox] == [["jonas@example.org"]]
    assert "The CV is missing." in mailoutbox[0].body


def test_without_the_paper_consent_nothing_is_entered(world, client_for):
    call = CallFactory(organisation=world.org_a, partnership=world.p1, status=Call.Status.PUBLISHED)
    response = client_for(world.pc_a).post(
        reverse("selection:application_create", kwargs={"code": call.code}),
        {
            "first_name": "J",
            "last_name": "J",
            "email": "j@example.org",
            "date_of_birth": "2004-06-01",
            "language": "lt",
        },
    )
    assert "consent_on_paper" in response.context["form"].errors
    assert not Application.objects.exists()


def test_the_application_page_lists_unmet_conditions_and_documents(world, sel, client_for):
    body = client_for(world.pc_a).get(sel.app_a.get_absolute_url()).content.decode()
    assert "Meets every condition of the call." in body
    assert reverse("selection:document_download", kwargs={"code": sel.app_a.code, "document": sel.doc_a.code}) in body
    assert AuditEntry.objects.filter(object_code=str(sel.app_a.code), verb="viewed", actor=world.pc_a).exists()


def test_documents_download_as_attachments_and_are_audited(world, sel, client_for):
    url = reverse("selection:document_download", kwargs={"code": sel.app_a.code, "document": sel.doc_a.code})
    response = client_for(world.pc_a).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "no-store, private"
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert AuditEntry.objects.filter(object_code=str(sel.app_a.code), verb="downloaded", actor=world.pc_a).exists()
    # The panel downloads through its own pages (selection:panel_document), not the coordinators'.
    assert client_for(sel.panel_a).get(url).status_code == 403
    # Another application's document under this application's address: 404.
    other = ApplicationFactory(call=sel.call_a, documents=True)
    wrong = reverse(
        "selection:document_download", kwargs={"code": sel.app_a.code, "document": other.documents.first().code}
    )
    assert client_for(world.pc_a).get(wrong).status_code == 404


def test_a_correction_of_the_eligibility_needs_a_reason(world, sel, client_for):
    client = client_for(world.pc_a)
    url = reverse("selection:application_move", kwargs={"code": sel.app_a.code, "name": "mark_ineligible"})
    client.post(url)
    sel.app_a.refresh_from_db()
    assert sel.app_a.status == Application.Status.ELIGIBLE
    client.post(url, {"reason": "Not a learner of our school"})
    sel.app_a.refresh_from_db()
    assert sel.app_a.status == Application.Status.INELIGIBLE
    assert sel.app_a.ineligibility_reasons == ["Not a learner of our school"]


def test_the_call_page_filters_applications_by_status(world, sel, client_for):
    ApplicationFactory(call=sel.call_a, last_name="Withdrawnova", status=Application.Status.WITHDRAWN)
    client = client_for(world.pc_a)
    body = client.get(sel.call_a.get_absolute_url() + "?status=withdrawn").content.decode()
    assert "Withdrawnova" in body and "Petrauskaitė" not in body
    body = client.get(sel.call_a.get_absolute_url()).content.decode()
    assert "Withdrawnova" in body and "Petrauskaitė" in body


def test_the_panel_reads_the_call_on_its_own_page_and_is_offered_no_change(world, sel, client_for):
    client = client_for(sel.panel_a)
    response = client.get(sel.call_a.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == reverse("selection:panel", kwargs={"code": sel.call_a.code})
    body = client.get(response["Location"]).content.decode()
    assert reverse("selection:call_edit", kwargs={"code": sel.call_a.code}) not in body
    assert reverse("selection:application_create", kwargs={"code": sel.call_a.code}) not in body


# --- query budgets --------------------------------------------------------------------------------------------


def queries_of(client, url, django_assert_max_num_queries, budget):
    client.get(url)  # warm-up (scope, session)
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_calls_list_runs_the_same_queries_for_5_and_30_calls(world, client_for, django_assert_max_num_queries):
    client = client_for(world.pc_a)
    url = reverse("selection:call_list")
    for _ in range(5):
        CallFactory(organisation=world.org_a, partnership=world.p1, criteria=[])
    small = queries_of(client, url, django_assert_max_num_queries, 20)
    for _ in range(25):
        CallFactory(organisation=world.org_a, partnership=world.p1, criteria=[])
    assert queries_of(client, url, django_assert_max_num_queries, 20) == small


def test_call_page_runs_the_same_queries_for_5_and_30_applications(world, client_for, django_assert_max_num_queries):
    call = CallFactory(organisation=world.org_a, partnership=world.p1, status=Call.Status.PUBLISHED)
    client = client_for(world.pc_a)
    for _ in range(5):
        ApplicationFactory(call=call, documents=True)
    small = queries_of(client, call.get_absolute_url(), django_assert_max_num_queries, 30)
    for _ in range(25):
        ApplicationFactory(call=call, documents=True)
    assert queries_of(client, call.get_absolute_url(), django_assert_max_num_queries, 30) == small


def test_open_calls_runs_the_same_queries_for_5_and_30_calls(client, django_assert_max_num_queries):
    for _ in range(5):
        CallFactory(status=Call.Status.PUBLISHED, criteria=[])
    url = reverse("selection:open_calls")
    small = queries_of(client, url, django_assert_max_num_queries, 10)
    for _ in range(25):
        CallFactory(status=Call.Status.PUBLISHED, criteria=[])
    assert queries_of(client, url, django_assert_max_num_queries, 10) == small


def test_moves_keep_their_history(world, sel):
    move(sel.call_a, "close", by=world.pc_a)
    assert sel.call_a.state_history().get().by == world.pc_a
