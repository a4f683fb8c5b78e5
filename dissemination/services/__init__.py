"""Dissemination: every change the app makes, each one transaction with its audit row, the reach report and
what the public results page may show. Views parse input, call these and show the result; who may do what
is `dissemination.access`.

- `events`: events with their audience and files, other activities;
- `reach`: the reach report and its targets;
- `public`: the public results page, its results and content.
"""

from .events import (
    add_file,
    create_activity,
    delete_activity,
    delete_event,
    delete_file,
    record_download,
    save_event,
    update_activity,
)
from .public import (
    create_result,
    delete_result,
    public_content,
    public_page_for,
    save_public_page,
    update_result,
)
from .reach import reach_report, save_targets, with_targets

__all__ = [
    "add_file",
    "create_activity",
    "create_result",
    "delete_activity",
    "delete_event",
    "delete_file",
    "delete_result",
    "public_content",
    "public_page_for",
    "reach_report",
    "with_targets",
    "record_download",
    "save_event",
    "save_public_page",
    "save_targets",
    "update_activity",
    "update_result",
]
