"""The Beneficiary Module's mobility activity file (calls from 2021: KA121-VET, KA122-VET), declared once:
each column with its header, the rows it is mandatory on, its getter and, where the portal takes the value
back on import, the mobility field it sets and how to read it.

docs/eu-reporting-export.md ("Beneficiary Module") maps every column to its source page on the EC NAITDOC
wiki and says which header spellings and dictionary values the wiki confirms and which are assumed. The
headers are the tool's own (English, fixed) and are deliberately not translated: they are read by a machine.

Rows: one *main* row per mobility activity, then one *itinerary* row (the BM's sub-row for a leg of the
activity: receiving organisation, country, city and funded duration), each carrying the Data type, the
Grant Agreement No. and the Mobility activity ID. A portal mobility has one receiving organisation, so one
itinerary row."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction

from mobility.models import Mobility
from mobility.services.money import price_each

from .reporting_tool import country, distance_band

# Dictionary values (docs/eu-reporting-export.md: the Data type values and the Yes/No spelling are not
# confirmed by any page read; the activity type codes are those of the KA121-VET screen list [W7]).
MAIN, ITINERARY = "Mobility activity", "Itinerary"
YES, NO = "Yes", "No"
DATE_FORMAT = "%d-%m-%Y"
ACTIVITY_TYPES = {Mobility.Kind.SHORT_TERM: "LM-SHORT-VET", Mobility.Kind.ERASMUS_PRO: "LM-LONG-VET"}
# The BM's default ID: the last digits of the project reference, "MOB", a counter [W6].
ACTIVITY_ID_FORMAT = "{serial}-MOB-{number:05d}"

BOTH = frozenset({MAIN, ITINERARY})
ONLY_MAIN = frozenset({MAIN})


def day(value: date | None) -> str:
    return value.strftime(DATE_FORMAT) if value else ""


def yes_no(value: bool) -> str:
    return YES if value else NO


def amount(value: Decimal) -> str:
    return f"{value:.2f}" if value else ""


def parse_day(text: str) -> date:
    return datetime.strptime(text.strip(), DATE_FORMAT).date()  # noqa: DTZ007 (a calendar date, no time)


def parse_yes_no(text: str) -> bool:
    value = text.strip().casefold()
    if value in ("yes", "y", "true", "1"):
        return True
    if value in ("no", "n", "false", "0", ""):
        return False
    raise ValueError(text)


def parse_days(text: str) -> int:
    value = int(text.strip())
    if value < 0:
        raise ValueError(text)
    return value


def parse_amount(text: str) -> Decimal:
    text = text.strip().replace(",", ".")
    if not text:
        return Decimal("0")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if value < 0 or value != value.quantize(Decimal("0.01")):
        raise ValueError(text)
    return value


@dataclass(frozen=True)
class Row:
    """What one mobility's rows are built from."""

    mobility: Mobility
    grant: object  # mobility.services.money.MobilityGrant


@dataclass(frozen=True)
class BmColumn:
    header: str
    mandatory_on: frozenset  # the row kinds (MAIN, ITINERARY) on which the BM requires a value
    get: Callable[[Row], object]
    on_itinerary: bool = False  # filled on itinerary rows too
    field: str = ""  # the mobility field an import sets from this column
    parse: Callable[[str], object] | None = None


def _activity_type(row: Row) -> str:
    return ACTIVITY_TYPES[row.mobility.kind]


def _funded_days(row: Row) -> object:
    return row.grant.funded_days if row.grant.funded_days > 0 else ""


def _band(row: Row) -> str:
    """The band's label as the EU tools spell it ("500-1999 km"; the limits are the same in every call year)."""
    return distance_band(row.grant.distance_km) if row.grant.band else ""


def _funded_travel_days(row: Row) -> int:
    return row.grant.funded_days - row.mobility.duration_days if row.grant.funded_days else 0


COLUMNS: tuple[BmColumn, ...] = (
    BmColumn("Data type", BOTH, lambda row: MAIN, on_itinerary=True),
    BmColumn("Grant Agreement No.", BOTH, lambda row: row.mobility.partnership.project_number, on_itinerary=True),
    BmColumn("Mobility activity ID", BOTH, lambda row: row.mobility.activity_id, on_itinerary=True),
    BmColumn("Activity type", ONLY_MAIN, _activity_type),
    BmColumn("Participant ID", ONLY_MAIN, lambda row: str(row.mobility.learner.code)),
    BmColumn("Participant's date of birth", ONLY_MAIN, lambda row: day(row.mobility.learner.date_of_birth)),
    BmColumn(
        "Participant with fewer opportunities", ONLY_MAIN, lambda row: yes_no(row.mobility.learner.fewer_opportunities)
    ),
    BmColumn(
        "Inclusion support for participants",
        frozenset(),
        lambda row: amount(row.mobility.inclusion_support_costs),
        field="inclusion_support_costs",
        parse=parse_amount,
    ),
    BmColumn("Sending Organisation OID", ONLY_MAIN, lambda row: row.mobility.sending_organisation.oid),
    BmColumn("Sending country", ONLY_MAIN, lambda row: country(row.mobility.sending_organisation.country.code)),
    BmColumn("Sending city", ONLY_MAIN, lambda row: row.mobility.sending_organisation.city),
    BmColumn(
        "Receiving Organisation OID", BOTH, lambda row: row.mobility.receiving_organisation.oid, on_itinerary=True
    ),
    BmColumn(
        "Receiving country",
        BOTH,
        lambda row: country(row.mobility.receiving_organisation.country.code),
        on_itinerary=True,
    ),
    BmColumn("Receiving city", BOTH, lambda row: row.mobility.receiving_organisation.city, on_itinerary=True),
    BmColumn("Start date", ONLY_MAIN, lambda row: day(row.mobility.start_date), field="start_date", parse=parse_day),
    BmColumn("End date", ONLY_MAIN, lambda row: day(row.mobility.end_date), field="end_date", parse=parse_day),
    BmColumn("Funded travel days", ONLY_MAIN, _funded_travel_days, field="travel_days", parse=parse_days),
    BmColumn(
        "Sustainable means of transport",
        ONLY_MAIN,
        lambda row: yes_no(row.mobility.green_travel),
        field="green_travel",
        parse=parse_yes_no,
    ),
    BmColumn("Distance band", ONLY_MAIN, _band),
    BmColumn("Funded duration including travel days (in days)", BOTH, _funded_days, on_itinerary=True),
    BmColumn("Exceptional costs", frozenset(), lambda row: amount(row.grant.amount("exceptional"))),
    BmColumn("Other Used Languages", frozenset(), lambda row: ""),
    BmColumn("Force Majeure explanations", frozenset(), lambda row: ""),
)
HEADER = [column.header for column in COLUMNS]
IMPORTED = tuple(column for column in COLUMNS if column.field)


def main_row(row: Row) -> list:
    return [column.get(row) for column in COLUMNS]


def itinerary_row(row: Row) -> list:
    return [
        (ITINERARY if column.header == "Data type" else column.get(row)) if column.on_itinerary else ""
        for column in COLUMNS
    ]


def missing(row: Row) -> list[str]:
    """The mandatory columns this mobility's rows would leave empty (the export refuses them, issue point 5)."""
    values = dict(zip(HEADER, main_row(row), strict=True))
    return [column.header for column in COLUMNS if MAIN in column.mandatory_on and values[column.header] in ("", None)]


def priced(mobilities: Iterable[Mobility]) -> Iterator[Row]:
    """Each mobility with its grant (mobility.services.money.price_each)."""
    return (Row(mobility, grant) for mobility, grant in price_each(mobilities))


def rows(mobilities: Iterable[Mobility]) -> Iterator[list]:
    for row in priced(mobilities):
        yield main_row(row)
        yield itinerary_row(row)


# --- the Mobility activity ID ---------------------------------------------------------------------------------


def serial_of(partnership) -> str:
    number = partnership.project
    return number.serial[-6:] if number else partnership.slug[:6]


@transaction.atomic
def ensure_activity_ids(partnership) -> int:
    """Give every mobility of the project without a Mobility activity ID the next one in the BM's default form,
    in the order they were created (cancelled ones too: an ID once given is never reused). Returns how many
    were given. One at a time per project (the partnership row is locked)."""
    type(partnership).objects.select_for_update().filter(pk=partnership.pk).first()
    mobilities = Mobility.objects.filter(partnership=partnership)
    without = list(mobilities.filter(activity_id="").order_by("created_at", "pk").only("pk"))
    if not without:
        return 0
    serial = serial_of(partnership)
    prefix = f"{serial}-MOB-"
    taken = set(mobilities.exclude(activity_id="").values_list("activity_id", flat=True))
    numbers = [
        int(value[len(prefix) :]) for value in taken if value.startswith(prefix) and value[len(prefix) :].isdigit()
    ]
    number = max(numbers, default=0)
    for mobility in without:
        number += 1
        while ACTIVITY_ID_FORMAT.format(serial=serial, number=number) in taken:
            number += 1
        mobility.activity_id = ACTIVITY_ID_FORMAT.format(serial=serial, number=number)
    Mobility.objects.bulk_update(without, ["activity_id"], batch_size=2000)
    return len(without)
