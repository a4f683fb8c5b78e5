"""What must be true before a file goes to the Beneficiary Module (issue 14, point 5): every organisation in it
has the OID the tool keys organisations by, and no mobility leaves a mandatory column empty. An export with a
problem is refused, listing every problem with a link to fix it (only for those who may), instead of
producing a file the tool rejects.

The checks run in SQL over the mobilities the user exports (a few queries, whatever their number); the
columns they stand for are those the layout marks mandatory (beneficiary_module.missing says so per row,
and the tests hold the two together)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from partners.access import may_edit_organisation
from partners.models import Organisation

LIMIT = 50  # mobilities listed by name; the count says how many more


@dataclass(frozen=True)
class Problem:
    subject: str
    message: str
    url: str = ""  # where to fix it, only when the reader may


@dataclass
class ExportCheck:
    organisations: list[Problem] = field(default_factory=list)
    mobilities: list[Problem] = field(default_factory=list)
    more_mobilities: int = 0

    @property
    def ok(self) -> bool:
        return not self.organisations and not self.mobilities

    @property
    def count(self) -> int:
        return len(self.organisations) + len(self.mobilities) + self.more_mobilities


def check(user, partnership, mobilities) -> ExportCheck:
    """The problems of exporting `mobilities` (the user's reported mobilities of `partnership`) to the
    Beneficiary Module. (Mobility Tool+ needs no such check: it takes an organisation by its legal name and
    country where it has no PIC.)"""
    result = ExportCheck()
    unordered = mobilities.order_by()  # else the ordering columns join the DISTINCT
    org_ids = set(unordered.values_list("sending_organisation_id", flat=True).distinct()) | set(
        unordered.values_list("receiving_organisation_id", flat=True).distinct()
    )
    for org in Organisation.objects.filter(pk__in=org_ids, oid="").order_by("short_name", "pk"):
        message = _("has no OID: the Beneficiary Module identifies every organisation by its OID (E + 8 digits).")
        url = (
            reverse("partners:organisation_edit", kwargs={"slug": org.slug}) if may_edit_organisation(user, org) else ""
        )
        result.organisations.append(Problem(org.short_name, message, url))

    unknown_distance = Q(distance_km__isnull=True) & (
        Q(sending_organisation__latitude__isnull=True)
        | Q(sending_organisation__longitude__isnull=True)
        | Q(receiving_organisation__latitude__isnull=True)
        | Q(receiving_organisation__longitude__isnull=True)
    )
    rules = [
        (Q(learner__date_of_birth__isnull=True), _("the learner's date of birth is missing")),
        (unknown_distance, _("the distance is unknown (coordinates of a city missing), so no distance band")),
        (Q(distance_km__lt=10), _("the distance is under 10 km: no distance band applies")),
        (Q(sending_organisation__city="") | Q(receiving_organisation__city=""), _("a city is missing")),
    ]
    flags = {f"problem_{n}": ExpressionWrapper(rule, output_field=BooleanField()) for n, (rule, _m) in enumerate(rules)}
    condition = Q()
    for rule, _message in rules:
        condition |= rule
    flagged = mobilities.filter(condition).annotate(**flags).select_related("learner").order_by("start_date", "pk")
    total = flagged.count()
    for mobility in flagged[:LIMIT]:
        reasons = [str(message) for n, (_rule, message) in enumerate(rules) if getattr(mobility, f"problem_{n}")]
        result.mobilities.append(Problem(str(mobility), "; ".join(reasons), mobility.get_absolute_url()))
    result.more_mobilities = max(total - LIMIT, 0)
    return result
