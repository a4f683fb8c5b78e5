"""Rows in the column layout of the EU reporting tool's participant / mobility import.

For the 2014–2020 calls (VISION: 2019-1-LT01-KA202-060748) the tool is Mobility Tool+ (MT+); its successor,
the Beneficiary Module, kept the import-by-spreadsheet workflow. docs/eu-reporting-export.md maps every
column to its source, says which names and code values were confirmed from the tool's documentation and
which were not, and explains how to import.

The headers are the tool's own (English, fixed): they are data for a machine, not text for a reader, so
they are deliberately *not* translated. Code values are the tool's dictionary values where confirmed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from funding.projects import organisation_distance_km
from mobility.models import Learner, Mobility
from training_events.models import Participant

YES, NO = "YES", "NO"
# The reporting tool's dates: DD-MM-YYYY (the template's second row says so).
DATE_FORMAT = "%d-%m-%Y"

MOBILITY_COLUMNS = [
    "Project ID",
    "Mobility ID",
    "Activity Type",
    "Long-term activity",
    "Participant ID",
    "Participant First Name(s)",
    "Participant Last Name(s)",
    "Participant Email",
    "Participant Gender",
    "Participant Date of Birth",
    "Participant Nationality",
    "Participant with Special Needs",
    "Participant with Fewer Opportunities",
    "Sending Organisation PIC",
    "Sending Organisation Legal Name",
    "Sending Country",
    "Sending City",
    "Receiving Organisation PIC",
    "Receiving Organisation Legal Name",
    "Receiving Country",
    "Receiving City",
    "Distance Band",
    "Start Date",
    "End Date",
    "Duration (days)",
    "Travel Days",
    "Virtual/Blended Activity",
    "Virtual Component (hours)",
    "Overall Comments",
]

PARTICIPANT_COLUMNS = [
    "Project ID",
    "Activity Type",
    "Activity No.",
    "Participant Type",
    "Participant ID",
    "Participant First Name(s)",
    "Participant Last Name(s)",
    "Participant Email",
    "Participant Gender",
    "Participant Date of Birth",
    "Participant Nationality",
    "Participant with Special Needs",
    "Participant with Fewer Opportunities",
    "Sending Organisation PIC",
    "Sending Organisation Legal Name",
    "Sending Country",
    "Receiving Organisation PIC",
    "Receiving Organisation Legal Name",
    "Receiving Country",
    "Venue City",
    "Start Date",
    "End Date",
    "Duration (days)",
    "Travel Days",
    "Distance Band",
]

GENDER = {
    Learner.Gender.FEMALE: "Female",
    Learner.Gender.MALE: "Male",
    Learner.Gender.OTHER: "Undefined",
    Learner.Gender.UNDISCLOSED: "Undefined",
    "": "Undefined",
}

# The EU's own country codes differ from ISO 3166-1 alpha-2 for two countries (Interinstitutional Style Guide).
EU_COUNTRY = {"GR": "EL", "GB": "UK"}

LEARNER_TYPE, STAFF_TYPE = "Learner", "Staff"
STAFF_TRAINING = "Short-term joint staff training events"

# (key action, kind, blended) -> the reporting tool's activity type (labels: see the mapping doc).
ACTIVITY_TYPES = {
    ("KA1", Mobility.Kind.SHORT_TERM): "VET learners traineeships in vocational institutes/companies",
    ("KA1", Mobility.Kind.ERASMUS_PRO): "VET learners long-term traineeships (ErasmusPro)",
    ("KA2", Mobility.Kind.SHORT_TERM): "Short-term mobility of learners",
    ("KA2", Mobility.Kind.ERASMUS_PRO): "Long-term mobility of learners",
}
KA2_BLENDED = "Blended mobility of learners"

# Erasmus+ 2014-2020 distance bands (km, lower bound inclusive) and the tool's band labels.
DISTANCE_BANDS = [
    (8000, "8000 km or more"),
    (4000, "4000-7999 km"),
    (3000, "3000-3999 km"),
    (2000, "2000-2999 km"),
    (500, "500-1999 km"),
    (100, "100-499 km"),
    (10, "10-99 km"),
]


def yes_no(value: bool) -> str:
    return YES if value else NO


def day(value: date | None) -> str:
    return value.strftime(DATE_FORMAT) if value else ""


def country(code) -> str:
    code = str(code or "")
    return EU_COUNTRY.get(code, code)


def distance_band(km: int | None) -> str:
    if km is None:
        return ""
    return next((label for lower, label in DISTANCE_BANDS if km >= lower), "")


def activity_type(mobility: Mobility) -> str:
    key_action = mobility.partnership.key_action
    if key_action == "KA2" and mobility.is_blended:
        return KA2_BLENDED
    return ACTIVITY_TYPES.get((key_action, mobility.kind), ACTIVITY_TYPES[("KA2", mobility.kind)])


def is_long_term(mobility: Mobility) -> bool:
    return mobility.kind == Mobility.Kind.ERASMUS_PRO


def _learner_cells(learner: Learner) -> list:
    return [
        str(learner.code),
        learner.first_name,
        learner.last_name,
        learner.email,
        GENDER.get(learner.gender, "Undefined"),
        day(learner.date_of_birth),
        country(learner.nationality.code),
        yes_no(learner.special_needs),
        yes_no(learner.fewer_opportunities),
    ]


def distance_of(mobility: Mobility) -> int | None:
    """The distance typed on the mobility, else the great circle between the two organisations' cities."""
    if mobility.distance_km is not None:
        return mobility.distance_km
    return organisation_distance_km(mobility.sending_organisation, mobility.receiving_organisation)


def mobility_row(mobility: Mobility) -> list:
    """One learner mobility. `mobility` needs learner, partnership and both organisations selected."""
    sending, receiving = mobility.sending_organisation, mobility.receiving_organisation
    return [
        mobility.partnership.project_number,
        str(mobility.code),
        activity_type(mobility),
        yes_no(is_long_term(mobility)),
        *_learner_cells(mobility.learner),
        sending.pic,
        sending.legal_name,
        country(sending.country.code),
        sending.city,
        receiving.pic,
        receiving.legal_name,
        country(receiving.country.code),
        receiving.city,
        distance_band(distance_of(mobility)),
        day(mobility.start_date),
        day(mobility.end_date),
        mobility.duration_days,
        mobility.travel_days,
        yes_no(mobility.is_blended),
        mobility.virtual_hours if mobility.virtual_hours is not None else "",
        f"Host company: {mobility.host_company}" if mobility.host_company else "",
    ]


def learner_participant_row(mobility: Mobility) -> list:
    sending, receiving = mobility.sending_organisation, mobility.receiving_organisation
    learner_id, first, last, email, gender, born, nationality, special, fewer = _learner_cells(mobility.learner)
    return [
        mobility.partnership.project_number,
        activity_type(mobility),
        str(mobility.code),
        LEARNER_TYPE,
        learner_id,
        first,
        last,
        email,
        gender,
        born,
        nationality,
        special,
        fewer,
        sending.pic,
        sending.legal_name,
        country(sending.country.code),
        receiving.pic,
        receiving.legal_name,
        country(receiving.country.code),
        receiving.city,
        day(mobility.start_date),
        day(mobility.end_date),
        mobility.duration_days,
        mobility.travel_days,
        distance_band(distance_of(mobility)),
    ]


def staff_participant_row(participant: Participant) -> list:
    """A member of staff at a joint staff training event (KA2 learning, teaching and training activity).

    The portal does not keep staff's gender, date of birth, nationality or special needs: those cells stay
    empty ("Undefined" for the gender) for the coordinator to complete in the tool."""
    event = participant.event
    organisation, host = participant.organisation, event.host_organisation
    start = participant.arrival_date or event.start_date
    end = participant.departure_date or event.end_date
    return [
        event.partnership.project_number,
        STAFF_TRAINING,
        str(event.code),
        STAFF_TYPE,
        str(participant.code),
        participant.first_name,
        participant.last_name,
        participant.email,
        "Undefined",
        "",
        "",
        "",
        "",
        organisation.pic,
        organisation.legal_name,
        country(organisation.country.code),
        host.pic,
        host.legal_name,
        country(host.country.code),
        event.city or host.city,
        day(start),
        day(end),
        (end - start).days + 1 if end >= start else "",
        "",
        "",
    ]


def mobility_rows(mobilities: Iterable[Mobility]) -> Iterator[list]:
    return (mobility_row(m) for m in mobilities)


def participant_rows(mobilities: Iterable[Mobility], staff: Iterable[Participant]) -> Iterator[list]:
    for mobility in mobilities:
        yield learner_participant_row(mobility)
    for participant in staff:
        yield staff_participant_row(participant)
