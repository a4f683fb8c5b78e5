"""CSV/XLSX export of a mobility list, with the columns the EU reporting tool (Beneficiary Module) asks for."""

from __future__ import annotations

from collections.abc import Iterable

import tablib
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.files import spreadsheet_safe as safe

from .access import sees_personal_details
from .models import Mobility

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

COLUMNS = [
    gettext_lazy("Mobility code"),
    gettext_lazy("Learner first name"),
    gettext_lazy("Learner last name"),
    gettext_lazy("Gender"),
    gettext_lazy("Nationality"),
    gettext_lazy("Date of birth"),
    gettext_lazy("Fewer opportunities"),
    gettext_lazy("Special needs"),
    gettext_lazy("Sending organisation"),
    gettext_lazy("Sending country"),
    gettext_lazy("Sending city"),
    gettext_lazy("Receiving organisation"),
    gettext_lazy("Receiving country"),
    gettext_lazy("Receiving city"),
    gettext_lazy("Host company"),
    gettext_lazy("Project number"),
    gettext_lazy("Type"),
    gettext_lazy("Start"),
    gettext_lazy("End"),
    gettext_lazy("Duration (days)"),
    gettext_lazy("Travel days"),
    gettext_lazy("Blended"),
    gettext_lazy("Virtual hours"),
    gettext_lazy("Distance (km)"),
    gettext_lazy("Status"),
]


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def row_for(mobility: Mobility, *, personal: bool = True) -> list:
    """One mobility's row; without the learner's personal details (left empty) unless `personal`."""
    learner = mobility.learner
    sending, receiving = mobility.sending_organisation, mobility.receiving_organisation
    details = [
        learner.get_gender_display(),
        learner.nationality.code or "",
        learner.date_of_birth.isoformat() if learner.date_of_birth else "",
        _yes_no(learner.fewer_opportunities),
        _yes_no(learner.special_needs),
    ]
    return [
        str(mobility.code),
        learner.first_name,
        learner.last_name,
        *(details if personal else [""] * len(details)),
        sending.legal_name,
        sending.country.code,
        sending.city,
        receiving.legal_name,
        receiving.country.code,
        receiving.city,
        mobility.host_company,
        mobility.partnership.project_number,
        mobility.get_kind_display(),
        mobility.start_date.isoformat(),
        mobility.end_date.isoformat(),
        mobility.duration_days,
        mobility.travel_days,
        _yes_no(mobility.is_blended),
        mobility.virtual_hours if mobility.virtual_hours is not None else "",
        mobility.distance_km if mobility.distance_km is not None else "",
        mobility.get_status_display(),
    ]


def build(mobilities: Iterable[Mobility], fmt: str, reader) -> tuple[bytes, int]:
    """The file's bytes and the number of rows. `mobilities` should use `with_list_related()`. The learner's
    personal details (gender, nationality, birth date, inclusion needs) are filled in only for the mobilities whose
    documents `reader` may read them on (`sees_personal_details`): a mentor's list names the learners, no more."""
    dataset = tablib.Dataset(headers=[str(column) for column in COLUMNS], title=_("Mobilities")[:31])
    for mobility in mobilities:
        personal = sees_personal_details(reader, mobility)
        dataset.append([safe(value) for value in row_for(mobility, personal=personal)])
    content = dataset.export(fmt)
    if isinstance(content, str):
        # A byte-order mark lets spreadsheet programs open the CSV as UTF-8 (names with diacritics).
        content = ("\ufeff" + content).encode("utf-8")
    return content, dataset.height
