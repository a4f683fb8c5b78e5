"""The daily e-mail of what waits for each person (partners.tasks, issue 13 point 5), run as celery beat
runs it: the task named by the schedule entry, sent through Django's mail outbox.

On the partners `world`: partner_b (B) has an overdue checklist item of a mobility B sends; learner_b
has their report to file; nobody else has anything waiting."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from celery.schedules import crontab
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from mobility.models import Mobility
from partners import tasks, waiting
from partners.models import User
from tests.factories_mobility import ChecklistItemFactory, LearnerFactory, MobilityFactory
from vision.celery import app

BASE = "https://vision.test"  # settings.VISION_BASE_URL in vision/settings/test.py


@pytest.fixture
def waiting_items(world):
    """An overdue checklist item for partner_b and a report to file for learner_b."""
    learner = LearnerFactory(home_organisation=world.org_b, user=world.learner_b)
    mobility = MobilityFactory(learner=learner, partnership=world.p1, receiving_organisation=world.org_a)
    Mobility.objects.filter(pk=mobility.pk).update(status=Mobility.Status.COMPLETED)
    item = ChecklistItemFactory(
        mobility=mobility,
        responsible="sending",
        category="documentation",
        due_date=timezone.localdate() - timedelta(days=3),
    )
    return {
        world.partner_b: reverse("mobility:checklist_item", kwargs={"code": item.code}),
        world.learner_b: reverse("mobility:report", kwargs={"code": mobility.code}),
    }


def run_beat_entry():
    """Run the daily-digest task the way celery beat does: by the name its schedule entry gives."""
    entry = app.conf.beat_schedule["daily-digest"]
    return app.tasks[entry["task"]].apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {})).get()


def mails_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def test_the_beat_schedule_runs_the_digest_task_every_morning_at_six_brussels_time():
    app.loader.import_default_modules()  # what a worker does at start: autodiscover the apps' tasks
    entry = app.conf.beat_schedule["daily-digest"]
    assert entry["task"] == "partners.tasks.send_daily_digests"
    assert entry["task"] in app.tasks and app.tasks[entry["task"]].name == tasks.send_daily_digests.name
    assert entry["schedule"] == crontab(hour=6, minute=0)
    assert app.conf.timezone == "Europe/Brussels"
    assert tasks.send_daily_digests.acks_late and tasks.send_digest.acks_late
    assert tasks.send_digest.max_retries and tasks.send_digest.retry_backoff


def test_each_person_with_something_waiting_gets_one_mail_with_a_link_to_each_item(world, waiting_items):
    run_beat_entry()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in waiting_items)
    for user, path in waiting_items.items():
        (message,) = mails_to(user)
        assert message.subject == "[VISION] 1 thing waits for you"
        assert BASE + path in message.body
        assert BASE + reverse("partners:waiting") in message.body
        assert BASE + reverse("partners:profile") in message.body  # where to opt out
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html" and f'href="{BASE}{path}"' in html


def test_nothing_is_sent_when_nothing_waits(world):
    assert run_beat_entry() > 0  # every active person was looked at …
    assert mail.outbox == []  # … and nobody had anything waiting
    assert not User.objects.filter(last_digest_on__isnull=False).exists()


def test_a_second_run_the_same_day_sends_nothing_again(world, waiting_items):
    run_beat_entry()
    assert len(mail.outbox) == 2
    run_beat_entry()
    tasks.send_digest.apply(args=(world.partner_b.pk, timezone.localdate().isoformat()))  # a redelivered task
    assert len(mail.outbox) == 2
    assert set(User.objects.filter(last_digest_on=timezone.localdate()).values_list("email", flat=True)) == {
        u.email for u in waiting_items
    }


def test_the_next_day_brings_the_next_mail(world, waiting_items):
    today = timezone.localdate()
    tasks.send_daily_digests.apply(kwargs={"day": today.isoformat()})
    tasks.send_daily_digests.apply(kwargs={"day": (today + timedelta(days=1)).isoformat()})
    assert len(mails_to(world.partner_b)) == 2
    # A late retry of yesterday's run finds a newer mail recorded and stays silent.
    tasks.send_digest.apply(args=(world.partner_b.pk, today.isoformat()))
    assert len(mails_to(world.partner_b)) == 2


def test_a_person_who_opted_out_gets_no_mail(world, waiting_items):
    User.objects.filter(pk=world.partner_b.pk).update(receives_digest=False)
    run_beat_entry()
    assert mails_to(world.partner_b) == []
    assert len(mails_to(world.learner_b)) == 1


def test_an_inactive_account_gets_no_mail(world, waiting_items):
    User.objects.filter(pk=world.learner_b.pk).update(is_active=False)
    run_beat_entry()
    assert [m.to for m in mail.outbox] == [[world.partner_b.email]]


def test_the_profile_page_offers_the_opt_out_with_its_help_text(world, client_for):
    client = client_for(world.mentor_b)
    page = client.get(reverse("partners:profile")).content.decode()
    assert 'name="receives_digest"' in page
    assert "daily e-mail of what waits for me" in page.lower()
    assert "only on days when something does" in page
    data = {"first_name": "Mia", "last_name": "M", "position": "", "phone": "", "language": "en"}
    assert client.post(reverse("partners:profile"), data).status_code == 302  # the box left unticked
    world.mentor_b.refresh_from_db()
    assert world.mentor_b.receives_digest is False
    client.post(reverse("partners:profile"), {**data, "receives_digest": "on"})
    world.mentor_b.refresh_from_db()
    assert world.mentor_b.receives_digest is True


def test_saving_the_profile_keeps_the_day_of_a_digest_sent_meanwhile(world):
    from partners.forms import ProfileForm

    form = ProfileForm(
        {"first_name": "Mia", "last_name": "M", "position": "", "phone": "", "language": "en", "receives_digest": "on"},
        instance=User.objects.get(pk=world.mentor_b.pk),  # the page was loaded before the morning's mail
    )
    today = timezone.localdate()
    User.objects.filter(pk=world.mentor_b.pk).update(last_digest_on=today)  # the digest task, meanwhile
    assert form.is_valid(), form.errors
    form.save()
    saved = User.objects.get(pk=world.mentor_b.pk)
    assert saved.first_name == "Mia"
    assert saved.last_digest_on == today


def test_the_mail_is_written_in_the_persons_language(world, waiting_items):
    User.objects.filter(pk=world.partner_b.pk).update(language="lt")
    day = date(2026, 12, 6)
    tasks.send_daily_digests.apply(kwargs={"day": day.isoformat()})
    (message,) = mails_to(world.partner_b)
    with translation.override("lt"):
        assert message.subject == tasks.digest_subject(1)
        lithuanian_date = date_format(day, "DATE_FORMAT")  # Django's own catalogue: Lithuanian month names
    with translation.override("en"):
        english_date = date_format(day, "DATE_FORMAT")
    assert lithuanian_date != english_date
    assert lithuanian_date in message.body and english_date not in message.body
    (english,) = mails_to(world.learner_b)
    assert english_date in english.body


def test_one_persons_failure_does_not_stop_the_others_and_is_tried_again_next_run(world, waiting_items, monkeypatch):
    def broken_for_partner_b(user, limit):
        if user.pk == world.partner_b.pk:
            raise RuntimeError("a provider failed")
        return []

    monkeypatch.setattr(waiting, "_providers", [*waiting._providers, broken_for_partner_b])
    run_beat_entry()
    assert [m.to for m in mail.outbox] == [[world.learner_b.email]]
    world.partner_b.refresh_from_db()
    assert world.partner_b.last_digest_on is None
    monkeypatch.undo()
    run_beat_entry()
    assert len(mails_to(world.partner_b)) == 1 and len(mails_to(world.learner_b)) == 1


def test_a_mail_that_could_not_be_sent_is_not_recorded_and_is_retried(world, waiting_items, monkeypatch):
    real_send = EmailMultiAlternatives.send
    attempts = []

    def flaky_send(self, fail_silently=False):
        attempts.append(self.to)
        if len(attempts) == 1:
            raise ConnectionRefusedError("the mail server is down")
        return real_send(self, fail_silently=fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky_send)
    # throw=False: run eagerly as a worker would, where the retry is sent again instead of raised.
    tasks.send_digest.apply(args=(world.partner_b.pk, timezone.localdate().isoformat()), throw=False)
    assert len(attempts) == 2  # retried (eagerly here, with backoff on a worker)
    assert len(mails_to(world.partner_b)) == 1
    world.partner_b.refresh_from_db()
    assert world.partner_b.last_digest_on == timezone.localdate()


def test_a_long_list_is_cut_in_the_mail_with_a_link_to_the_rest(world, waiting_items):
    mobility = MobilityFactory(
        learner=LearnerFactory(home_organisation=world.org_b), partnership=world.p1, receiving_organisation=world.org_a
    )
    for _ in range(tasks.MAIL_GROUP_LIMIT + 2):
        ChecklistItemFactory(
            mobility=mobility, responsible="sending", due_date=timezone.localdate() - timedelta(days=1)
        )
    run_beat_entry()
    (message,) = mails_to(world.partner_b)
    assert message.body.count(BASE + "/checklist-items/") == tasks.MAIL_GROUP_LIMIT
    assert "… and 3 more" in message.body and BASE + reverse("partners:waiting") + "?kind=checklist" in message.body
    assert message.subject == f"[VISION] {tasks.MAIL_GROUP_LIMIT + 3} things wait for you"
