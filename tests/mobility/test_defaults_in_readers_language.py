"""Content the portal writes, in the reader's language (issue 16, point 4): default checklist items, survey
questions, responsibilities and indicator units are stored as keys and shown translated; what a user types is
shown as typed. (Every page in every language: tests/crawl/test_languages.py.)"""

from __future__ import annotations

import importlib

from django.apps import apps as django_apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from ecvet.models import Memorandum
from ecvet.models.memoranda import STANDARD_OBJECTIVES
from mobility.models import ChecklistItem, ChecklistTemplateItem, Mobility, SurveyQuestion
from mobility.models.checklists import DefaultItem
from mobility.models.reports import DefaultQuestion
from mobility.services.checklists import ensure_template, generate_checklist
from mobility.services.reports import ensure_questions
from partners.models import Indicator

from .test_checklists import template_post_data, template_url

FINNISH_INSURANCE = "Vakuutus järjestetty"


def in_finnish(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    return client


def test_default_checklist_items_carry_a_key_that_the_mobilitys_copy_keeps(world, mob):
    generate_checklist(mob.m_a_to_b)
    template = ChecklistTemplateItem.objects.get(partnership=world.p1, title_key=DefaultItem.INSURANCE)
    item = ChecklistItem.objects.get(mobility=mob.m_a_to_b, template_item=template)
    assert (template.title, item.title_key) == ("Insurance arranged", DefaultItem.INSURANCE)
    with translation.override("fi"):
        assert item.get_title_display() == FINNISH_INSURANCE == str(item)


def test_a_finnish_reader_sees_the_default_checklist_in_finnish(world, mob, client_for):
    generate_checklist(mob.m_a_to_b)
    client = in_finnish(client_for(world.pc_a))
    html = client.get(reverse("mobility:checklist", kwargs={"code": mob.m_a_to_b.code})).content.decode()
    assert FINNISH_INSURANCE in html and "Insurance arranged" not in html


def test_a_template_item_saved_as_shown_keeps_its_key_and_an_edited_one_is_kept_as_typed(world, client_for):
    ensure_template(world.p1)
    client = in_finnish(client_for(world.pc_a))
    page = client.get(template_url(world.p1)).content.decode()
    assert f'value="{FINNISH_INSURANCE}"' in page  # the form shows the default in the editor's language
    items = list(ChecklistTemplateItem.objects.filter(partnership=world.p1).order_by("order", "id"))
    insurance = next(i for i, item in enumerate(items) if item.title_key == DefaultItem.INSURANCE)
    travel = next(i for i, item in enumerate(items) if item.title_key == DefaultItem.TRAVEL)
    data = template_post_data(
        world.p1, changes={insurance: {"title": FINNISH_INSURANCE}, travel: {"title": "Junaliput ostettu"}}
    )
    assert client.post(template_url(world.p1), data).status_code == 302
    kept = ChecklistTemplateItem.objects.get(pk=items[insurance].pk)
    typed = ChecklistTemplateItem.objects.get(pk=items[travel].pk)
    assert (kept.title_key, kept.title) == (DefaultItem.INSURANCE, "Insurance arranged")
    assert (typed.title_key, typed.title) == ("", "Junaliput ostettu")
    with translation.override("lt"):
        assert typed.get_title_display() == "Junaliput ostettu"
        assert kept.get_title_display() != "Insurance arranged"


def test_default_survey_questions_are_shown_in_the_readers_language(world):
    questions = ensure_questions(world.p1)
    mentor = next(q for q in questions if q.text_key == DefaultQuestion.MENTOR)
    assert mentor.text == "How helpful was your mentor at the workplace?"
    with translation.override("nl"):
        assert mentor.get_text_display() not in ("", mentor.text)
    SurveyQuestion.objects.filter(pk=mentor.pk).update(text="Typed by the coordinator", text_key="")
    mentor.refresh_from_db()
    with translation.override("nl"):
        assert mentor.get_text_display() == "Typed by the coordinator"


def test_empty_responsibilities_are_the_standard_ones_in_the_readers_language(mob, world, client_for):
    mobility = mob.m_a_to_b
    Mobility.objects.filter(pk=mobility.pk).update(tutor_responsibilities="", mentor_responsibilities="Typed.")
    mobility.refresh_from_db()
    with translation.override("it"):
        standard = mobility.get_tutor_responsibilities_display()
    assert standard and not standard.startswith("Prepare the learner")
    assert mobility.get_mentor_responsibilities_display() == "Typed."
    client = client_for(world.pc_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"
    html = client.get(reverse("mobility:mobility_detail", kwargs={"code": mobility.code})).content.decode()
    assert escape(standard) in html and "Typed." in html


def test_an_indicator_unit_from_the_list_is_a_key_shown_translated(world, client_for):
    indicator = world.indicator_b
    url = reverse("partners:indicator_edit", kwargs={"goal_code": indicator.goal.code, "code": indicator.code})
    data = {
        "name": indicator.name,
        "unit_choice": "learners",
        "unit_other": "",
        "baseline_value": str(indicator.baseline_value),
        "target_value": "12",
        "current_value": str(indicator.current_value),
        "due_date": indicator.due_date.isoformat(),
    }
    assert client_for(world.partner_b).post(url, data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.unit == "learners"
    with translation.override("lt"):
        assert indicator.get_unit_display() not in ("", "learners")


def test_an_other_indicator_unit_is_kept_as_typed(world, client_for):
    indicator = world.indicator_b
    url = reverse("partners:indicator_edit", kwargs={"goal_code": indicator.goal.code, "code": indicator.code})
    data = {
        "name": indicator.name,
        "unit_choice": "other",
        "unit_other": "host families",
        "baseline_value": str(indicator.baseline_value),
        "target_value": str(indicator.target_value),
        "current_value": str(indicator.current_value),
        "due_date": indicator.due_date.isoformat(),
    }
    client = client_for(world.partner_b)
    assert client.post(url, {**data, "unit_other": ""}).status_code == 200  # "other" needs its text
    assert client.post(url, data).status_code == 302
    indicator = Indicator.objects.get(pk=indicator.pk)
    with translation.override("fi"):
        assert indicator.get_unit_display() == "host families"


def test_the_standard_memorandum_objectives_are_shown_in_the_readers_language_and_stored_as_written():
    with translation.override("en"):
        english = str(STANDARD_OBJECTIVES)
    memorandum = Memorandum(objectives_standard=english)
    with translation.override("nl"):
        assert memorandum.get_objectives_standard_display() == str(STANDARD_OBJECTIVES) != english
    memorandum.objectives_standard = "As the parties wrote it."
    with translation.override("nl"):
        assert memorandum.get_objectives_standard_display() == "As the parties wrote it."


def test_the_data_migration_turns_the_english_defaults_into_keys_and_keeps_typed_text(world, mob):
    migration = importlib.import_module("mobility.migrations.0014_portal_defaults_as_keys")
    generate_checklist(mob.m_a_to_b)
    ChecklistItem.objects.update(title_key="")
    ChecklistTemplateItem.objects.update(title_key="")
    ChecklistItem.objects.filter(mobility=mob.m_a_to_b, title="Travel booked").update(title="Train tickets bought")
    Mobility.objects.filter(pk=mob.m_a_to_b.pk).update(
        tutor_responsibilities=migration.RESPONSIBILITIES["tutor_responsibilities"],
        mentor_responsibilities="Our own words.",
    )
    with translation.override("fi"):
        finnish = translation.gettext(migration.RESPONSIBILITIES["tutor_responsibilities"])
    Mobility.objects.filter(pk=mob.m_b_to_a.pk).update(tutor_responsibilities=finnish)

    migration.defaults_to_keys(django_apps, None)

    items = {i.title: i.title_key for i in ChecklistItem.objects.filter(mobility=mob.m_a_to_b)}
    assert items["Insurance arranged"] == DefaultItem.INSURANCE and items["Train tickets bought"] == ""
    assert not ChecklistTemplateItem.objects.filter(partnership=world.p1, title_key="").exists()
    first, second = Mobility.objects.get(pk=mob.m_a_to_b.pk), Mobility.objects.get(pk=mob.m_b_to_a.pk)
    assert (first.tutor_responsibilities, first.mentor_responsibilities) == ("", "Our own words.")
    assert second.tutor_responsibilities == ""
