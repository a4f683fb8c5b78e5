"""Changes to rule sets made through the portal (the admin's copy action)."""

from __future__ import annotations

from django.db import transaction

from partners import audit
from partners.models import AuditEntry

from .models import CountryGroup, DailyRate, OrganisationalSupportRate, RuleSet, TravelBand
from .receivers import touch


@transaction.atomic
def copy_rule_set(
    source: RuleSet, *, by, national_agency: str = "", from_call_year: int | None = None, name: str = ""
) -> RuleSet:
    """A copy of `source` with every row, for a National Agency's own amounts or a later call year; the copy and
    its rows are unconfirmed until someone checks them against the grant agreement."""
    year = from_call_year or source.from_call_year
    copy = RuleSet.objects.get(pk=source.pk)
    copy.pk = None
    copy.national_agency = national_agency
    copy.from_call_year = year
    copy.name = name or f"{source.name} ({national_agency or year})"
    copy.confirmed = False
    copy.full_clean()
    copy.save()
    for model in (TravelBand, CountryGroup, DailyRate, OrganisationalSupportRate):
        rows = list(model.objects.filter(rule_set=source))
        for row in rows:
            row.pk = None
            row.rule_set = copy
            if hasattr(row, "confirmed"):
                row.confirmed = False  # confirmed for the source, not yet for the agency's grant agreement
        model.objects.bulk_create(rows)
    touch(copy.pk)
    audit.record(actor=by, verb=AuditEntry.Verb.CREATED, obj=copy, details={"copied_from": source.pk})
    return copy
