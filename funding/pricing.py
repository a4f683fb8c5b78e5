"""The Erasmus+ grant of one stay, category by category, with its working: which band, how many days, which
country group and which rate. The rules are loaded once (`Rules.load`) and priced in Python, so that one
mobility's page and a budget of thousands (grouped by what changes the price, mobility.services.money)
use exactly the same arithmetic.

Rounding: the rates are published in whole euros and the grant is days × rate, so it needs none; a share
of real costs (exceptional costs) is rounded to the cent, half up. Reasons why a category cannot be
computed are returned as `problems`, never as a silent 0."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Activity, CountryGroup, DailyRate, OrganisationalSupportRate, Participant, RuleSet, TravelBand

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# Exceptional costs for expensive travel replace the band only when the band covers less than this share of
# the real travel cost (Programme Guide; the 70 % threshold is the same in the 2014–2020 and 2021–2027 guides).
EXPENSIVE_TRAVEL_THRESHOLD = Decimal("0.70")


class Category(models.TextChoices):
    """The budget categories of a KA1 mobility project (Beneficiary Module, calls from 2021)."""

    ORGANISATIONAL_SUPPORT = "org_support", gettext_lazy("Organisational support")
    TRAVEL = "travel", gettext_lazy("Travel")
    INDIVIDUAL_SUPPORT = "indiv_support", gettext_lazy("Individual support")
    INCLUSION_ORGANISATIONS = "inclusion_org", gettext_lazy("Inclusion support for organisations")
    INCLUSION_PARTICIPANTS = "inclusion_part", gettext_lazy("Inclusion support for participants")
    COURSE_FEES = "course_fees", gettext_lazy("Course and training fees")
    EXCEPTIONAL = "exceptional", gettext_lazy("Exceptional costs")
    PREPARATORY_VISITS = "prep_visits", gettext_lazy("Preparatory visits")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def euro(value) -> str:
    return _("EUR %(amount)s") % {"amount": f"{money(value):,.2f}".replace(",", " ")}


# (rule set id, updated_at) → its rows: a handful of rows per rule set, read on every priced page.
_ROWS: dict = {}


@dataclass(frozen=True)
class Rules:
    """One rule set with its rows, loaded once. `rule_set` is None when no rule set applies at all."""

    rule_set: RuleSet | None
    bands: tuple[TravelBand, ...] = ()
    daily: tuple[DailyRate, ...] = ()
    groups: dict = field(default_factory=dict)
    organisational: tuple[OrganisationalSupportRate, ...] = ()

    @classmethod
    def load(cls, *, scheme: str, call_year: int, national_agency: str = "") -> Rules:
        """The rules for a project: one query for the rule set; its rows come from a per-process cache keyed by
        the rule set's `updated_at`, which every change of a row moves on (funding.receivers)."""
        rule_set = RuleSet.objects.applicable(
            scheme=scheme, call_year=call_year, national_agency=national_agency
        ).first()
        if rule_set is None:
            return cls(None)
        key = (rule_set.pk, rule_set.updated_at)
        cached = _ROWS.get(key)
        if cached is None:
            cached = (
                tuple(TravelBand.objects.filter(rule_set=rule_set).order_by("min_km")),
                tuple(DailyRate.objects.filter(rule_set=rule_set).order_by("participant", "from_day")),
                {
                    str(code): group
                    for code, group in CountryGroup.objects.filter(rule_set=rule_set).values_list("country", "group")
                },
                tuple(
                    OrganisationalSupportRate.objects.filter(rule_set=rule_set).order_by("activity", "from_participant")
                ),
            )
            for stale in [k for k in _ROWS if k[0] == rule_set.pk]:
                del _ROWS[stale]
            _ROWS[key] = cached
        bands, daily, groups, organisational = cached
        return cls(rule_set=rule_set, bands=bands, daily=daily, groups=groups, organisational=organisational)

    @property
    def scheme(self) -> str | None:
        return self.rule_set.scheme if self.rule_set else None

    def band(self, km: int) -> TravelBand | None:
        return next((band for band in self.bands if band.covers(km)), None)

    def country_group(self, country: str) -> int | None:
        return self.groups.get(str(country))

    def organisational_thresholds(self, activity: str) -> list[int]:
        """The participant numbers from which a lower organisational-support amount applies (e.g. [101])."""
        rows = self.organisational_rows(activity)
        return sorted({row.from_participant for row in rows if row.from_participant > 1})

    def organisational_rows(self, activity: str) -> list[OrganisationalSupportRate]:
        rows = [row for row in self.organisational if row.activity == activity]
        return rows or [row for row in self.organisational if row.activity == Activity.ANY]


@dataclass(frozen=True)
class Stay:
    """What prices one participant's stay."""

    participant: str  # Participant
    activity: str  # Activity
    receiving_country: str
    distance_km: int | None
    activity_days: int
    travel_days: int = 0
    green_travel: bool = False
    fewer_opportunities: bool = False
    inclusion_costs: Decimal = ZERO
    expensive_travel_costs: Decimal = ZERO
    # The participant's place in the project (for organisational support that is lower from, e.g., the 101st).
    participant_number: int = 1


@dataclass(frozen=True)
class Line:
    category: str
    amount: Decimal
    working: str
    provisional: bool = False

    @property
    def label(self) -> str:
        return Category(self.category).label


class ByCategory:
    """Money per budget category: whoever has `amount(category)` and `total` gets the usual views of it."""

    def amount(self, category: str) -> Decimal:  # pragma: no cover - provided by the subclass
        raise NotImplementedError

    @property
    def travel(self) -> Decimal:
        return self.amount(Category.TRAVEL)

    @property
    def support(self) -> Decimal:
        return self.amount(Category.INDIVIDUAL_SUPPORT)

    @property
    def other(self) -> Decimal:
        """Every category but travel and individual support (organisational, inclusion, exceptional)."""
        return self.total - self.travel - self.support


@dataclass(frozen=True)
class Grant(ByCategory):
    rules: Rules
    lines: tuple[Line, ...]
    problems: tuple[str, ...]
    distance_km: int | None
    band: TravelBand | None
    funded_days: int
    country_group: int | None

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def provisional(self) -> bool:
        return any(line.provisional for line in self.lines)

    def amount(self, category: str) -> Decimal:
        return sum((line.amount for line in self.lines if line.category == category), ZERO)


def price(stay: Stay, rules: Rules) -> Grant:
    lines: list[Line] = []
    problems: list[str] = []
    rule_set = rules.rule_set
    if rule_set is None:
        return Grant(
            rules, (), (_("No funding rules apply to this project's call year."),), stay.distance_km, None, 0, None
        )
    provisional_set = not rule_set.confirmed
    if stay.activity_days <= 0:
        problems.append(_("The dates give no day of activity, so no grant can be computed."))

    # Travel: the band of the one-way distance (standard or green), or exceptional costs for expensive travel.
    band = None
    travel_line = None
    if not rules.bands:
        problems.append(_("“%(rules)s” has no distance bands.") % {"rules": rule_set})
    elif stay.distance_km is None:
        problems.append(
            _(
                "The distance is unknown (the coordinates of the sending or receiving city are missing), "
                "so travel cannot be priced."
            )
        )
    else:
        band = rules.band(stay.distance_km)
        if band is None and stay.distance_km < rules.bands[0].min_km:
            travel_line = Line(
                Category.TRAVEL,
                ZERO,
                _("%(km)s km: below %(min)s km there is no travel grant.")
                % {"km": stay.distance_km, "min": rules.bands[0].min_km},
            )
        elif band is None:
            problems.append(
                _("No distance band of “%(rules)s” covers %(km)s km.") % {"rules": rule_set, "km": stay.distance_km}
            )
        else:
            green = stay.green_travel and band.green is not None
            amount = band.green if green else band.standard
            if green:
                working = _("%(band)s, green travel: %(amount)s") % {"band": band_text(band), "amount": euro(amount)}
            elif stay.green_travel:
                working = _("%(band)s: this band has no green-travel amount, standard travel: %(amount)s") % {
                    "band": band_text(band),
                    "amount": euro(amount),
                }
            else:
                working = _("%(band)s, standard travel: %(amount)s") % {"band": band_text(band), "amount": euro(amount)}
            travel_line = Line(Category.TRAVEL, money(amount), working, provisional_set)

    if stay.expensive_travel_costs > 0:
        share = rule_set.exceptional_costs_percent
        band_amount = travel_line.amount if travel_line else ZERO
        if share is None:
            problems.append(_("“%(rules)s” allows no exceptional costs for expensive travel.") % {"rules": rule_set})
        elif band is not None and band_amount >= stay.expensive_travel_costs * EXPENSIVE_TRAVEL_THRESHOLD:
            problems.append(
                _(
                    "Travel is not exceptionally expensive: the band (%(band)s) covers at least 70%% of the real "
                    "cost (%(cost)s), so the standard travel grant applies."
                )
                % {"band": euro(band_amount), "cost": euro(stay.expensive_travel_costs)}
            )
        else:
            amount = money(stay.expensive_travel_costs * share / 100)
            travel_line = Line(
                Category.TRAVEL, ZERO, _("Replaced by exceptional costs for expensive travel."), provisional_set
            )
            lines.append(
                Line(
                    Category.EXCEPTIONAL,
                    amount,
                    _("Expensive travel: %(share)s%% of the real cost %(cost)s = %(amount)s")
                    % {
                        "share": f"{share.normalize():f}",
                        "cost": euro(stay.expensive_travel_costs),
                        "amount": euro(amount),
                    },
                    provisional_set,
                )
            )
    if travel_line is not None:
        lines.insert(0, travel_line)

    # Individual support: activity days plus the travel days the rules fund, priced day range by day range.
    cap = rule_set.travel_days_green if stay.green_travel else rule_set.travel_days_standard
    travel_days = min(stay.travel_days, cap)
    funded_days = max(stay.activity_days, 0) + travel_days
    group = rules.country_group(stay.receiving_country) if rules.groups else None
    support = (
        _individual_support(stay, rules, funded_days, travel_days, group, problems) if stay.activity_days > 0 else None
    )
    if support is not None:
        lines.append(support)

    # Organisational support (mobility projects): per participant, by activity and place in the project.
    if rule_set.scheme == "mobility":
        rows = rules.organisational_rows(stay.activity)
        applicable = [row for row in rows if row.from_participant <= stay.participant_number]
        if not applicable:
            problems.append(
                _("“%(rules)s” has no organisational-support amount for this activity.") % {"rules": rule_set}
            )
        else:
            row = max(applicable, key=lambda r: r.from_participant)
            if row.from_participant > 1:
                working = _("%(activity)s, participant %(from)s and later of the project: %(amount)s") % {
                    "activity": row.get_activity_display(),
                    "from": row.from_participant,
                    "amount": euro(row.amount),
                }
            else:
                working = _("%(activity)s: %(amount)s per participant") % {
                    "activity": row.get_activity_display(),
                    "amount": euro(row.amount),
                }
            lines.insert(0, Line(Category.ORGANISATIONAL_SUPPORT, money(row.amount), working, not row.confirmed))

    # Inclusion support: for the organisations per participant with fewer opportunities; real costs for the participant.
    if stay.fewer_opportunities and rule_set.inclusion_support_per_participant is not None:
        amount = rule_set.inclusion_support_per_participant
        lines.append(
            Line(
                Category.INCLUSION_ORGANISATIONS,
                money(amount),
                _("Participant with fewer opportunities: %(amount)s") % {"amount": euro(amount)},
                provisional_set,
            )
        )
    if stay.inclusion_costs > 0:
        lines.append(
            Line(
                Category.INCLUSION_PARTICIPANTS,
                money(stay.inclusion_costs),
                _("Real costs: %(amount)s") % {"amount": euro(stay.inclusion_costs)},
            )
        )
    return Grant(rules, tuple(lines), tuple(problems), stay.distance_km, band, funded_days, group)


def _individual_support(stay, rules, funded_days, travel_days, group, problems) -> Line | None:
    rule_set = rules.rule_set
    rates = [rate for rate in rules.daily if rate.participant == stay.participant]
    who = Participant(stay.participant).label.lower()
    if rules.groups:
        if group is None:
            problems.append(
                _("The receiving country (%(country)s) is in no country group of “%(rules)s”.")
                % {"country": stay.receiving_country or "?", "rules": rule_set}
            )
            return None
        rates = [rate for rate in rates if rate.country_group in (group, 0)]
        if any(rate.country_group == group for rate in rates):
            rates = [rate for rate in rates if rate.country_group == group]
    elif any(rate.country_group for rate in rates):
        problems.append(
            _("“%(rules)s” has daily rates per country group but no country groups: an administrator adds them.")
            % {"rules": rule_set}
        )
        return None
    if not rates:
        if group:
            message = _(
                "“%(rules)s” has no daily rate for %(who)s in country group %(group)s: an administrator enters it "
                "(the National Agency fixes it in the grant agreement)."
            )
        else:
            message = _(
                "“%(rules)s” has no daily rate for %(who)s: an administrator enters it (the National Agency fixes "
                "it in the grant agreement)."
            )
        problems.append(message % {"rules": rule_set, "who": who, "group": group})
        return None
    parts = []
    total = ZERO
    provisional = False
    last_day = 0
    for rate in sorted(rates, key=lambda r: r.from_day):
        upper = funded_days if rate.to_day is None else min(funded_days, rate.to_day)
        covered = upper - rate.from_day + 1
        last_day = max(last_day, rate.to_day or funded_days)
        if covered <= 0:
            continue
        total += covered * rate.amount_per_day
        provisional = provisional or not rate.confirmed
        parts.append(_("%(days)s days × %(rate)s") % {"days": covered, "rate": euro(rate.amount_per_day)})
    working = " + ".join(parts) or "0"
    details = [
        _("%(days)s days: %(activity)s of activity + %(travel)s of travel")
        % {"days": funded_days, "activity": max(stay.activity_days, 0), "travel": travel_days}
    ]
    if group:
        details.append(_("country group %(group)s") % {"group": group})
    if funded_days > last_day:
        details.append(_("days after day %(day)s are not funded") % {"day": last_day})
    return Line(
        Category.INDIVIDUAL_SUPPORT,
        money(total),
        f"{working} — {'; '.join(str(d) for d in details)}",
        provisional,
    )


def band_text(band: TravelBand) -> str:
    if band.max_km is None:
        return _("%(min)s km or more") % {"min": band.min_km}
    return _("%(min)s–%(max)s km") % {"min": band.min_km, "max": band.max_km}
