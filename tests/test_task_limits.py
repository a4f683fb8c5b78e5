"""The broker's visibility timeout against what a task may hold a message for (issue 17, point 4): with late
acknowledgement, a message goes back to the queue after the visibility timeout even if its task still runs or
waits for its retry, and would then run twice."""

from django.conf import settings

from vision.celery import app


def tasks_of_the_portal():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_acknowledges_late():
    tasks = tasks_of_the_portal()
    assert {"documents.tasks.render_document", "partners.tasks.send_digest"} <= set(tasks)
    assert [name for name, task in tasks.items() if not task.acks_late] == []


def test_no_task_holds_a_message_longer_than_the_visibility_timeout():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    for name, task in tasks_of_the_portal().items():
        longest_run = task.time_limit or app.conf.task_time_limit  # CELERY_TASK_TIME_LIMIT unless its own
        assert longest_run, f"{name} has no hard time limit"
        longest_wait = task.retry_backoff_max if getattr(task, "autoretry_for", ()) else task.default_retry_delay
        assert longest_run + longest_wait < visibility, name


def test_a_lost_run_is_noticed_within_a_minute():
    relay = settings.CELERY_BEAT_SCHEDULE["relay-queued-pdfs"]["schedule"]
    assert settings.VISION_PDF_LEASE_SECONDS + relay <= 60
    # The visibility timeout is "matched", not an hour: a message of a worker killed outright returns in minutes.
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= 600
