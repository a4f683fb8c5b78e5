"""The evaluation of a training event: the host's questions, a participant's answers (once, validated field by
field), and the results (hidden below three responses; averages and distributions, texts without names).

Cast: tests/training_events/conftest.py (`te`): ev_a (hosted by A, in the past: the evaluation is open) with a
required scale question and an optional text question; staff_b registered for it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from partners.models.people import Role
from tests.factories import MembershipFactory
from training_events import services
from training_events.models import (
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    Participant,
    TrainingEvent,
)

pytestmark = pytest.mark.django_db


def url(name, event, **kwargs):
    return reverse(f"training_events:{name}", kwargs={"code": event.code, **kwargs})


def add_participant(world, event, *, first_name="Pieter", last_name="Jansen", organisation=None):
    """A member of staff (a portal user) registered for `event` (directly: places do not matter here)."""
    user = MembershipFactory(organisation=organisation or world.org_b, role=Role.MENTOR).user
    return Participant.objects.create(
        event=event,
        organisation=organisation or world.org_b,
        user=user,
        first_name=first_name,
        last_name=last_name,
        email=user.email,
    )


def answer(participant, te, scale, text=""):
    return services.submit_evaluation(participant, {te.q_scale.pk: scale, te.q_text.pk: text}, by=participant.user)


# --- questions ----------------------------------------------------------------------------------------------


def test_the_host_lists_and_adds_a_question(te, world, client_for):
    client = client_for(world.pc_a)
    page = client.get(url("question_list", te.ev_a))
    assert page.status_code == 200
    html = page.content.decode()
    assert te.q_scale.text in html and te.q_text.text in html
    assert html.count("<h1") == 1
    response = client.post(
        url("question_list", te.ev_a),
        {"new-text": "Would you recommend the event?", "new-kind": "scale", "new-required": "on", "new-order": "3"},
    )
    assert response.status_code == 302
    question = EvaluationQuestion.objects.get(event=te.ev_a, text="Would you recommend the event?")
    assert (question.kind, question.required, question.order) == ("scale", True, 3)


def test_a_question_without_text_or_with_a_bad_kind_is_a_field_error(te, world, client_for):
    client = client_for(world.pc_a)
    response = client.post(url("question_list", te.ev_a), {"new-text": "   ", "new-kind": "colour", "new-order": "-1"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"text", "kind", "order"} <= set(errors)
    assert EvaluationQuestion.objects.filter(event=te.ev_a).count() == 2


def test_the_host_edits_and_deletes_a_question(te, world, client_for):
    client = client_for(world.pc_a)
    assert client.get(url("question_edit", te.ev_a, question_code=te.q_text.code)).status_code == 200
    response = client.post(
        url("question_edit", te.ev_a, question_code=te.q_text.code),
        {"text": "What will you use at home?", "kind": "text", "order": "5"},
    )
    assert response.status_code == 302
    te.q_text.refresh_from_db()
    assert (te.q_text.text, te.q_text.required, te.q_text.order) == ("What will you use at home?", False, 5)
    assert client.get(url("question_delete", te.ev_a, question_code=te.q_text.code)).status_code == 200
    assert client.post(url("question_delete", te.ev_a, question_code=te.q_text.code)).status_code == 302
    assert not EvaluationQuestion.objects.filter(pk=te.q_text.pk).exists()


def test_a_question_of_another_event_is_not_found(te, world, client_for):
    other = EvaluationQuestion.objects.create(event=te.ev_c, text="Elsewhere")
    client = client_for(world.admin)
    assert client.get(url("question_edit", te.ev_a, question_code=other.code)).status_code == 404
    assert client.post(url("question_delete", te.ev_a, question_code=other.code)).status_code == 404
    assert EvaluationQuestion.objects.filter(pk=other.pk).exists()


def test_questions_are_read_only_once_someone_answered(te, world, client_for):
    answer(te.p_staff_b, te, 4)
    client = client_for(world.pc_a)
    page = client.get(url("question_list", te.ev_a))
    html = page.content.decode()
    assert page.context["locked"] and page.context["form"] is None
    assert 'data-testid="questions-locked"' in html
    assert url("question_edit", te.ev_a, question_code=te.q_scale.code) not in html
    # Posting anyway changes nothing.
    client.post(url("question_list", te.ev_a), {"new-text": "Late question", "new-kind": "text", "new-order": "9"})
    assert client.get(url("question_edit", te.ev_a, question_code=te.q_scale.code)).status_code == 302
    client.post(
        url("question_edit", te.ev_a, question_code=te.q_scale.code), {"text": "Changed", "kind": "text", "order": "1"}
    )
    client.post(url("question_delete", te.ev_a, question_code=te.q_text.code))
    assert list(EvaluationQuestion.objects.filter(event=te.ev_a).values_list("text", "kind")) == [
        ("How useful was the event?", "scale"),
        ("What will you use?", "text"),
    ]


# --- answering ----------------------------------------------------------------------------------------------


def test_the_form_has_a_fieldset_per_scale_question_and_a_labelled_text_area(te, client_for):
    html = client_for(te.staff_b).get(url("evaluation_answer", te.ev_a)).content.decode()
    assert html.count("<h1") == 1
    assert "<fieldset" in html and "<legend" in html and te.q_scale.text in html
    for value in range(1, 6):
        assert f'name="q{te.q_scale.pk}" value="{value}"' in html
    assert f'for="id_q{te.q_text.pk}"' in html  # the text area's label
    assert f'<textarea name="q{te.q_text.pk}"' in html


def test_a_participant_answers_once(te, client_for):
    client = client_for(te.staff_b)
    response = client.post(
        url("evaluation_answer", te.ev_a), {f"q{te.q_scale.pk}": "4", f"q{te.q_text.pk}": "The checklist"}
    )
    assert response.status_code == 302
    saved = EvaluationResponse.objects.get(participant=te.p_staff_b)
    assert {(a.question_id, a.scale, a.text) for a in saved.answers.all()} == {
        (te.q_scale.pk, 4, ""),
        (te.q_text.pk, None, "The checklist"),
    }
    page = client.get(url("evaluation_answer", te.ev_a))
    html = page.content.decode()
    assert 'data-testid="evaluation-thanks"' in html and "Thank you" in html
    assert page.context["form"] is None and 'data-testid="evaluation-form"' not in html
    # A second answer, posted by hand: an error, nothing more saved.
    second = client.post(url("evaluation_answer", te.ev_a), {f"q{te.q_scale.pk}": "1"}, follow=True)
    assert second.status_code == 200
    assert "already answered" in second.content.decode()
    assert EvaluationResponse.objects.filter(participant=te.p_staff_b).count() == 1
    assert EvaluationAnswer.objects.filter(response=saved).count() == 2
    assert EvaluationAnswer.objects.get(response=saved, question=te.q_scale).scale == 4


@pytest.mark.parametrize("value", ["7", "0", "-1", "abc", "4.5", ""])
def test_an_out_of_range_or_missing_scale_is_a_field_error_and_nothing_is_saved(te, client_for, value):
    response = client_for(te.staff_b).post(
        url("evaluation_answer", te.ev_a), {f"q{te.q_scale.pk}": value, f"q{te.q_text.pk}": "Fine"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert f"q{te.q_scale.pk}" in form.errors
    assert "Choose a value from 1 to 5." in response.content.decode()
    assert not EvaluationResponse.objects.exists() and not EvaluationAnswer.objects.exists()


def test_a_required_text_question_left_empty_is_a_field_error(te, client_for):
    EvaluationQuestion.objects.filter(pk=te.q_text.pk).update(required=True)
    response = client_for(te.staff_b).post(
        url("evaluation_answer", te.ev_a), {f"q{te.q_scale.pk}": "3", f"q{te.q_text.pk}": ""}
    )
    assert response.status_code == 200
    assert f"q{te.q_text.pk}" in response.context["form"].errors
    assert not EvaluationResponse.objects.exists()


def test_the_services_errors_become_field_and_form_errors(te, client_for, monkeypatch):
    """What the service refuses (e.g. a second answer sent from another tab at the same moment) is shown on the
    form, never a 500."""

    def refuse_field(*args, **kwargs):
        raise ValidationError({f"q{te.q_scale.pk}": "Choose a value from 1 to 5.", "other": "Something else"})

    monkeypatch.setattr(services, "submit_evaluation", refuse_field)
    client = client_for(te.staff_b)
    data = {f"q{te.q_scale.pk}": "3"}
    response = client.post(url("evaluation_answer", te.ev_a), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[f"q{te.q_scale.pk}"] == ["Choose a value from 1 to 5."]
    assert form.non_field_errors() == ["Something else"]

    def refuse(*args, **kwargs):
        raise ValidationError("You have already answered this evaluation.")

    monkeypatch.setattr(services, "submit_evaluation", refuse)
    response = client.post(url("evaluation_answer", te.ev_a), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["You have already answered this evaluation."]
    assert "already answered" in response.content.decode()


def test_before_the_last_day_there_is_a_message_and_no_form(te, world, client_for):
    today = timezone.localdate()
    TrainingEvent.objects.filter(pk=te.ev_a.pk).update(
        start_date=today + timedelta(days=5), end_date=today + timedelta(days=7)
    )
    client = client_for(te.staff_b)
    page = client.get(url("evaluation_answer", te.ev_a))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="evaluation-not-open"' in html and "opens on the event" in html
    assert page.context["form"] is None and '<form method="post" novalidate' not in html
    assert client.post(url("evaluation_answer", te.ev_a), {f"q{te.q_scale.pk}": "5"}).status_code == 200
    assert not EvaluationResponse.objects.exists()


def test_the_evaluation_opens_on_the_last_day(te):
    assert not services.evaluation_open(te.ev_a, today=date(2025, 3, 11))
    assert services.evaluation_open(te.ev_a, today=date(2025, 3, 12))


def test_a_cancelled_participant_cannot_answer(te, client_for):
    Participant.objects.filter(pk=te.p_staff_b.pk).update(status=Participant.Status.CANCELLED)
    response = client_for(te.staff_b).post(url("evaluation_answer", te.ev_a), {f"q{te.q_scale.pk}": "5"})
    assert response.status_code == 404  # no longer registered: the event is out of their scope
    assert not EvaluationResponse.objects.exists()


# --- results ------------------------------------------------------------------------------------------------


def test_results_are_hidden_with_two_responses(te, world, client_for):
    other = add_participant(world, te.ev_a, first_name="Ruud", last_name="Smit")
    answer(te.p_staff_b, te, 5, "Secret text one")
    answer(other, te, 1, "Secret text two")
    response = client_for(world.pc_a).get(url("evaluation_results", te.ev_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 responses; results are shown from 3." in html
    assert 'data-testid="scale-question"' not in html and 'data-testid="free-text"' not in html
    assert "Secret text" not in html and "Average" not in html


def test_results_are_shown_from_three_responses_with_hand_counted_figures(te, world, client_for):
    # Names no other person of the page can have: the fixture's are random, and the reader's own name is
    # in the page's header (a random "Johnson" for both once made this test fail).
    te.p_staff_b.first_name, te.p_staff_b.last_name = "Sannetje", "Visserbroekhuis"
    te.p_staff_b.save(update_fields=["first_name", "last_name"])
    participants = [
        te.p_staff_b,
        add_participant(world, te.ev_a, first_name="Ruudolfus", last_name="Smitherson"),
        add_participant(world, te.ev_a, first_name="Algirdas", last_name="Kazlauskas", organisation=world.org_a),
        add_participant(world, te.ev_a, first_name="Evertina", last_name="Mulderink"),
    ]
    # Scale answers 5, 4, 4, 2: average 15 / 4 = 3.75 → 3.8; distribution 1:0 2:1 3:0 4:2 5:1.
    for participant, value, text in zip(
        participants, [5, 4, 4, 2], ["Use the checklist", "", "Share with colleagues", "Plan earlier"], strict=True
    ):
        answer(participant, te, value, text)
    response = client_for(world.partner_b).get(url("evaluation_results", te.ev_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert "4 responses." in html
    (scale,) = response.context["scale"]
    assert str(scale["average"]) == "3.8" and scale["count"] == 4
    assert [row["count"] for row in scale["rows"]] == [0, 1, 0, 2, 1]
    assert [row["percent"] for row in scale["rows"]] == [0, 25, 0, 50, 25]
    assert "Average 3.8 out of 5, from 4 answers." in html
    for value, count in zip(range(1, 6), [0, 1, 0, 2, 1], strict=True):
        assert f'data-testid="count-{value}">{count}</td>' in html
    assert '<th scope="col"' in html and '<th scope="row"' in html
    assert "Use the checklist" in html and "Share with colleagues" in html and "Plan earlier" in html
    for participant in participants:  # without names
        # A whole word: a random surname such as "Chang" is part of the page's word "Change".
        assert participant.full_name not in html
        assert not re.search(rf"\b{re.escape(participant.last_name)}\b", html)


def test_an_optional_question_answered_by_fewer_than_three_stays_hidden(te, world, client_for):
    participants = [
        te.p_staff_b,
        add_participant(world, te.ev_a, first_name="Ruudolfus", last_name="Smitherson"),
        add_participant(world, te.ev_a, first_name="Algirdas", last_name="Kazlauskas", organisation=world.org_a),
    ]
    for participant, text in zip(participants, ["Only I wrote this", "", ""], strict=True):
        answer(participant, te, 4, text)
    html = client_for(world.pc_a).get(url("evaluation_results", te.ev_a)).content.decode()
    assert "Average 4.0 out of 5, from 3 answers." in html  # the scale question has three answers
    assert "Only I wrote this" not in html
    assert "1 answer; answers are shown from 3." in html


def test_exactly_three_responses_show_the_results(te, world, client_for):
    for participant, value in zip(
        [te.p_staff_b, add_participant(world, te.ev_a), add_participant(world, te.ev_a, organisation=world.org_a)],
        [3, 3, 5],
        strict=True,
    ):
        answer(participant, te, value)
    response = client_for(world.pc_a).get(url("evaluation_results", te.ev_a))
    assert response.context["results"]["shown"]
    (scale,) = response.context["scale"]
    assert str(scale["average"]) == "3.7"
    assert [row["count"] for row in scale["rows"]] == [0, 0, 2, 0, 1]
    (texts,) = response.context["texts"]
    assert texts["hidden"] and texts["count"] == 0  # the optional question nobody answered
    assert "0 answers; answers are shown from 3." in response.content.decode()
