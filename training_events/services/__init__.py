"""Training events: every change the app makes, each one transaction with its audit row, and the figures
the pages show (places, grants, hours, evaluation results). Views parse input, call these and show the
result; who may do what is `training_events.access`.

- `events`: the event, its agenda, registration, grants, attendance;
- `evaluation`: questions, answers, results, certificates;
- `materials`: training materials and the personal calendar feed.
"""

from .evaluation import (
    MIN_ANSWERS_SHOWN,
    QuestionsLocked,
    add_question,
    certificate_content,
    delete_question,
    evaluation_open,
    evaluation_results,
    issue_certificates,
    questions_locked,
    submit_evaluation,
    update_question,
)
from .events import (
    TRAVEL_MARGIN_DAYS,
    StaffGrant,
    add_session,
    attendance_by_participant,
    cancel,
    check_session,
    create_event,
    delete_session,
    grant_for,
    hours_attended,
    link_participations,
    mark_attendance,
    places_left,
    register,
    update_event,
    update_session,
)
from .materials import add_material, calendar_feed, delete_material, record_download, replace_feed_token

__all__ = [
    "MIN_ANSWERS_SHOWN",
    "TRAVEL_MARGIN_DAYS",
    "QuestionsLocked",
    "StaffGrant",
    "add_material",
    "add_question",
    "add_session",
    "attendance_by_participant",
    "calendar_feed",
    "cancel",
    "certificate_content",
    "check_session",
    "create_event",
    "delete_material",
    "delete_question",
    "delete_session",
    "evaluation_open",
    "evaluation_results",
    "grant_for",
    "hours_attended",
    "issue_certificates",
    "link_participations",
    "mark_attendance",
    "places_left",
    "questions_locked",
    "record_download",
    "register",
    "replace_feed_token",
    "submit_evaluation",
    "update_event",
    "update_question",
    "update_session",
]
