"""Travel grant and budget lines: distance bands, daily support, budgets per partnership and organisation."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.models import DailyRate, RuleSet, TravelBand
from mobility.models import Mobility
from mobility.services.money import amounts_by, grant_for, rules_for
from partners.models import AuditEntry, PartnershipMember
from partners.models.people import Role
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory
from tests.factories_mobility import LearnerFactory, MobilityFactory

pytestmark = pytest.mark.django_db

KAUNAS = {"city": "Kaunas", "country": "LT", "latitude": Decimal("54.898521"), "longitude": Decimal("23.903597")}
SALERNO = {"city": "Salerno", "country": "IT", "latitude": Decimal("40.682441"), "longitude": Decimal("14.768096")}
HAARLEM = {"city": "Haarlem", "country": "NL", "latitude": Decimal("52.387386"), "longitude": Decimal("4.646219")}


# A partnership of the factories is a KA2 cooperation ("other" action): the seeded KA2 rules of the 2014–2020
# calls price it (funding/seed/cooperation-2019.toml: bands 20…1500, learners 55 then 40 from day 15 to day 60).
KA2_2014 = {"scheme": "cooperation", "from_call_year": 2014, "national_agency": ""}


def priced(days: int = 28, travel_days: int = 2, distance_km: int | None = 1000, call_year: int = 2019):
    """An unsaved mobility of `days` activity days in a partnership of `call_year`."""
    partnership = PartnershipFactory.build(call_year=call_year)
    sending, receiving = OrganisationFactory.build(), OrganisationFactory.build()
    start = date(2021, 4, 1)
    return Mobility(
        partnership=partnership,
        learner=LearnerFactory.build(home_organisation=sending),
        sending_organisation=sending,
        receiving_organisation=receiving,
        start_date=start,
        end_date=start + timedelta(days=days - 1),
        travel_days=travel_days,
        distance_km=distance_km,
    )


# --- The grant of one mobility --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("km", "amount"),
    [
        (10, "20"),
        (99, "20"),
        (100, "180"),
        (499, "180"),
        (500, "275"),
        (1999, "275"),
        (2000, "360"),
        (2999, "360"),
        (3000, "530"),
        (7999, "820"),
        (8000, "1500"),
        (15000, "1500"),
    ],
)
def test_distance_selects_the_band_on_both_sides_of_each_boundary(km, amount):
    grant = grant_for(priced(distance_km=km))
    assert grant.travel == Decimal(amount)
    assert grant.band.min_km <= km


def test_a_distance_below_the_first_band_gets_no_travel_contribution_and_says_why():
    grant = grant_for(priced(distance_km=9))
    assert (grant.band, grant.travel, grant.problems) == (None, Decimal("0"), ())
    assert "below 10 km there is no travel grant" in grant.lines[0].working


@pytest.mark.parametrize(
    ("funded_days", "support"),
    [
        (3, "165"),  # 1 activity day + 2 travel days
        (14, "770"),  # 14 × 55
        (15, "810"),  # 14 × 55 + 1 × 40
        (16, "850"),
        (60, "2610"),  # 14 × 55 + 46 × 40
        (61, "2610"),  # days beyond the last range are not funded
        (90, "2610"),
    ],
)
def test_daily_support_changes_rate_after_day_14_and_stops_after_the_last_range(funded_days, support):
    grant = grant_for(priced(days=funded_days - 2, travel_days=2))
    assert grant.funded_days == funded_days
    assert grant.support == Decimal(support)


def test_funded_days_are_the_activity_days_plus_the_travel_days():
    grant = grant_for(priced(days=28, travel_days=2))
    assert grant.funded_days == 30
    assert grant.support == Decimal("14") * 55 + Decimal("16") * 40
    assert grant.total == grant.travel + grant.support


def test_a_lump_sum_cooperation_project_has_no_unit_costs_and_says_so():
    # KA2 from the 2021 call: lump sums (funding/seed/cooperation-2021.toml), no bands and no daily rates.
    grant = grant_for(priced(call_year=2023, distance_km=1000))
    assert (grant.band, grant.travel, grant.support) == (None, Decimal("0"), Decimal("0"))
    assert any("has no distance bands" in problem for problem in grant.problems)
    assert any("has no daily rate for learners" in problem for problem in grant.problems)


def test_kaunas_to_salerno_is_about_1718_km_and_earns_275_eur():
    sending = OrganisationFactory(**KAUNAS)
    receiving = OrganisationFactory(**SALERNO)
    mobility = MobilityFactory(learner__home_organisation=sending, receiving_organisation=receiving)
    grant = grant_for(mobility)
    assert grant.distance_km == 1718
    assert (grant.band.min_km, grant.band.max_km) == (500, 1999)
    assert grant.travel == Decimal("275")


def test_missing_coordinates_give_no_distance_and_no_travel_contribution():
    mobility = MobilityFactory(receiving_organisation=OrganisationFactory(**SALERNO))  # the sender has none
    grant = grant_for(mobility)
    assert grant.distance_km is None and grant.missing_coordinates
    assert grant.travel == Decimal("0")
    assert grant.support > 0


def test_a_distance_entered_by_hand_wins_over_the_coordinates():
    mobility = MobilityFactory(
        learner__home_organisation=OrganisationFactory(**KAUNAS),
        receiving_organisation=OrganisationFactory(**SALERNO),
        distance_km=150,
    )
    assert grant_for(mobility).travel == Decimal("180")


def test_the_admin_edits_the_tables_and_the_grant_follows():
    rules = RuleSet.objects.get(**KA2_2014)
    TravelBand.objects.filter(rule_set=rules, min_km=500).update(standard=Decimal("300"))
    DailyRate.objects.filter(rule_set=rules, participant="learner", from_day=1).update(amount_per_day=Decimal("60"))
    grant = grant_for(priced(days=12, travel_days=2, distance_km=1000))
    assert (grant.travel, grant.support) == (Decimal("300"), Decimal("840"))


def test_funded_travel_days_stop_at_what_the_rules_fund():
    # 2014–2020 rules: one travel day before and one after the activity.
    grant = grant_for(priced(days=10, travel_days=4))
    assert grant.funded_days == 12
    assert grant.support == Decimal("12") * 55


def test_pricing_a_budget_runs_the_same_queries_for_few_and_many_mobilities(world):
    rules = rules_for(world.p1)

    def priced_total():
        mobilities = Mobility.objects.filter(partnership=world.p1)
        with CaptureQueriesContext(connection) as queries:
            amounts = amounts_by(mobilities, world.p1, rules, "partnership_id")
        return len(queries), amounts

    for _ in range(3):
        MobilityFactory(partnership=world.p1, distance_km=600)
    few, amounts = priced_total()
    assert amounts[world.p1.pk].travel == 3 * Decimal("275")
    for _ in range(20):
        MobilityFactory(partnership=world.p1, distance_km=2500)
    many, amounts = priced_total()
    assert few == many
    assert amounts[world.p1.pk].travel == 3 * Decimal("275") + 20 * Decimal("360")


# --- The grant on the mobility page ----------------------------------------------------------------


def render_money(mobility, can_manage=True, can_read_budget=None):
    # The view computes can_read_budget with mobility.access.may_read_budget (tests/mobility/test_access_rules.py).
    context = {"mobility": mobility, "can_manage": can_manage, "can_read_budget": can_read_budget}
    if can_read_budget is None:
        context["can_read_budget"] = can_manage
    return render_to_string("mobility/includes/detail_money.html", context)


def test_mobility_page_shows_distance_band_travel_days_support_and_total():
    mobility = MobilityFactory(
        learner__home_organisation=OrganisationFactory(**KAUNAS),
        receiving_organisation=OrganisationFactory(**SALERNO),
    )
    html = render_money(mobility)
    assert "1,718 km" in html
    assert "500–1999 km, standard travel: EUR 275.00" in html
    assert "30 (28 activity days; 2 travel days entered)" in html
    assert "14 days × EUR 55.00 + 16 days × EUR 40.00" in html
    assert "1,410.00" in html  # 14 × 55 + 16 × 40
    assert "1,685.00" in html
    assert "KA2 Strategic Partnerships" in html  # the rules that priced it, named


def test_mobility_page_says_plainly_when_the_rules_have_no_bands():
    partnership = PartnershipFactory(call_year=2023)
    mobility = MobilityFactory(
        partnership=partnership,
        learner__home_organisation=OrganisationFactory(**KAUNAS),
        receiving_organisation=OrganisationFactory(**SALERNO),
    )
    assert "has no distance bands." in render_money(mobility)


def test_mobility_page_notes_missing_coordinates():
    html = render_money(MobilityFactory())
    assert "coordinates of the sending or the receiving organisation are missing" in html


def test_mobility_page_links_to_the_budget_only_for_those_who_manage_the_mobility():
    mobility = MobilityFactory()
    link = reverse("mobility:partnership_budget", kwargs={"slug": mobility.partnership.slug})
    assert link in render_money(mobility, can_manage=True)
    assert link not in render_money(mobility, can_manage=False)


def test_mobility_detail_page_shows_the_grant(world, mob, client_for):
    response = client_for(world.partner_b).get(mob.m_b_to_a.get_absolute_url())
    assert response.status_code == 200
    assert "Individual support" in response.content.decode()


# --- Budgets ---------------------------------------------------------------------------------------


@pytest.fixture
def network(world):
    """P1 with coordinates: A in Kaunas, B in Haarlem, and E (Salerno) joins P1 as a partner."""
    world.org_a.__dict__.update(KAUNAS)
    world.org_a.save()
    world.org_b.__dict__.update(HAARLEM)
    world.org_b.save()
    org_e = OrganisationFactory(slug="org-e", short_name="Epsilon", **SALERNO)
    PartnershipMember.objects.create(partnership=world.p1, organisation=org_e, role=PartnershipMember.Role.PARTNER)
    return world, org_e


def send(from_org, to_org, partnership, **kwargs):
    return MobilityFactory(
        learner=kwargs.pop("learner", None) or LearnerFactory(home_organisation=from_org),
        sending_organisation=from_org,
        receiving_organisation=to_org,
        partnership=partnership,
        **kwargs,
    )


def test_partnership_budget_sums_each_sending_organisation_and_the_partnership(network, client_for):
    world, org_e = network
    learner = LearnerFactory(home_organisation=world.org_a)
    send(world.org_a, org_e, world.p1, learner=learner)  # 1718 km → 275; 30 days → 1410
    send(world.org_a, world.org_b, world.p1, learner=learner, start_date=date(2021, 9, 6))  # 1295 km → 275
    send(world.org_b, org_e, world.p1)  # 1511 km → 275
    cancelled = send(world.org_b, world.org_a, world.p1)
    Mobility.objects.filter(pk=cancelled.pk).update(status=Mobility.Status.CANCELLED)  # not counted

    response = client_for(world.pc_a).get(reverse("mobility:partnership_budget", kwargs={"slug": "p1"}))

    assert response.status_code == 200
    rows = {org.slug: t for org, t in response.context["rows"]}
    assert set(rows) == {"org-a", "org-b", "org-e"}
    assert (rows["org-a"].mobilities, rows["org-a"].participants) == (2, 1)
    assert rows["org-a"].travel == Decimal("550")
    assert rows["org-a"].support == Decimal("2820")
    assert (rows["org-b"].mobilities, rows["org-b"].total) == (1, Decimal("1685"))
    assert rows["org-e"].mobilities == 0
    grand = response.context["grand_total"]
    assert (grand.mobilities, grand.participants, grand.total) == (3, 2, Decimal("5055"))
    html = response.content.decode()
    assert "Partnership total" in html
    assert "5,055.00" in html


def test_partner_coordinator_sees_only_their_own_organisations_row(network, client_for):
    world, org_e = network
    send(world.org_a, org_e, world.p1)
    send(world.org_b, org_e, world.p1)

    response = client_for(world.partner_b).get(reverse("mobility:partnership_budget", kwargs={"slug": "p1"}))

    assert response.status_code == 200
    assert [org.slug for org, _t in response.context["rows"]] == ["org-b"]
    assert [mobility.sending_organisation for mobility, _grant in response.context["page"]] == [world.org_b]
    html = response.content.decode()
    assert "Partnership total" not in html
    assert "your own organisation only" in html


def test_budget_line_without_coordinates_shows_a_note(world, mob, client_for):
    response = client_for(world.pc_a).get(reverse("mobility:partnership_budget", kwargs={"slug": "p1"}))
    assert response.status_code == 200
    assert "coordinates missing" in response.content.decode()


def test_partnership_without_bands_in_its_rules_says_so(world, mob, client_for):
    TravelBand.objects.filter(rule_set__in=RuleSet.objects.filter(**KA2_2014)).delete()
    response = client_for(world.pc_a).get(reverse("mobility:partnership_budget", kwargs={"slug": "p1"}))
    html = response.content.decode()
    assert "has no distance bands" in html
    assert "cannot be fully computed" in html


def test_organisation_budget_lists_its_outgoing_mobilities_only(network, client_for):
    world, org_e = network
    outgoing = send(world.org_b, org_e, world.p1)
    send(world.org_a, world.org_b, world.p1)  # incoming for B: not in B's budget

    response = client_for(world.partner_b).get(reverse("mobility:organisation_budget", kwargs={"slug": "org-b"}))

    assert response.status_code == 200
    assert [mobility for mobility, _grant in response.context["page"]] == [outgoing]
    [(partnership, t)] = response.context["rows"]
    assert (partnership, t.total) == (world.p1, Decimal("1685"))


def test_project_coordinator_sees_a_partners_budget_only_within_the_partnerships_they_coordinate(network, client_for):
    world, org_e = network
    in_p1 = send(world.org_b, org_e, world.p1)
    other = PartnershipFactory(slug="p3", coordinator=world.org_b, partners=[org_e])
    send(world.org_b, org_e, other)

    response = client_for(world.pc_a).get(reverse("mobility:organisation_budget", kwargs={"slug": "org-b"}))

    assert [mobility for mobility, _grant in response.context["page"]] == [in_p1]


def test_budget_lines_are_paginated(network, client_for):
    world, org_e = network
    for _ in range(30):
        send(world.org_a, org_e, world.p1)
    url = reverse("mobility:partnership_budget", kwargs={"slug": "p1"})
    first = client_for(world.pc_a).get(url)
    second = client_for(world.pc_a).get(url, {"page": 2})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert first.context["grand_total"].mobilities == 30  # totals count every line, not one page


def test_budget_csv_lists_every_line_and_is_audited(network, client_for):
    world, org_e = network
    send(world.org_a, org_e, world.p1, learner=LearnerFactory(home_organisation=world.org_a, last_name="=HYPERLINK()"))
    send(world.org_b, org_e, world.p1)

    response = client_for(world.pc_a).get(reverse("mobility:partnership_budget_csv", kwargs={"slug": "p1"}))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Mobility code"
    assert len(rows) == 3
    total = rows[0].index("Total (EUR)")
    assert {row[total] for row in rows[1:]} == {"1685.00"}
    assert {row[rows[0].index("Travel (EUR)")] for row in rows[1:]} == {"275.00"}
    learners = [row[2] for row in rows[1:]]
    assert not any(name.startswith("=") for name in learners)  # no formula injection
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.EXPORTED)
    assert (entry.actor, entry.partnership, entry.details["rows"]) == (world.pc_a, world.p1, 2)


def test_organisation_budget_csv_is_scoped_like_the_page(network, client_for):
    world, org_e = network
    send(world.org_b, org_e, world.p1)
    response = client_for(world.partner_b).get(reverse("mobility:organisation_budget_csv", kwargs={"slug": "org-b"}))
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == 2
    assert (
        client_for(world.partner_b)
        .get(reverse("mobility:organisation_budget_csv", kwargs={"slug": "org-a"}))
        .status_code
        == 403
    )


# --- Query budgets ---------------------------------------------------------------------------------

SMALL, LARGE = 5, 60


def grow(world, org_e, n):
    for i in range(n):
        sender = (world.org_a, world.org_b)[i % 2]
        send(sender, org_e, world.p1)
    # A mentor per receiving side, as in real data: must not add queries either.
    MembershipFactory(organisation=org_e, role=Role.MENTOR)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("url_name", "slug", "actor"),
    [
        ("mobility:partnership_budget", "p1", "pc_a"),
        ("mobility:partnership_budget", "p1", "partner_b"),
        ("mobility:organisation_budget", "org-a", "pc_a"),
        ("mobility:partnership_budget_csv", "p1", "pc_a"),
    ],
)
def test_budget_pages_run_the_same_number_of_queries_for_5_and_for_60_mobilities(
    network, client_for, django_assert_max_num_queries, url_name, slug, actor
):
    world, org_e = network
    client = client_for(world.actor(actor))
    url = reverse(url_name, kwargs={"slug": slug})
    grow(world, org_e, SMALL)
    client.get(url)  # the first page reads the funding rules' rows; later ones take them from the cache
    small = count_queries(client, url)
    grow(world, org_e, LARGE - SMALL)
    large = count_queries(client, url)
    assert small == large
    # Session and user, scope, partnership and members, the rule set, the grouped aggregate, participants,
    # the page of mobilities (docs/funding.md, "Budgets at scale").
    with django_assert_max_num_queries(15):
        client.get(url)


def test_the_page_says_whether_the_distance_was_computed_or_typed(world, mob, client_for):
    from django.urls import reverse

    from mobility.services.money import grant_for

    world.org_a.latitude, world.org_a.longitude = 54.898521, 23.903597
    world.org_a.save()
    world.org_b.latitude, world.org_b.longitude = 52.387386, 4.646219
    world.org_b.save()
    mobility = mob.m_a_to_b
    mobility.refresh_from_db()
    mobility.distance_km = grant_for(mobility).distance_km  # what the service stores on creation
    mobility.save()
    assert not grant_for(mobility).distance_entered
    page = client_for(world.pc_a).get(reverse("mobility:mobility_detail", kwargs={"code": mobility.code}))
    assert "great circle" in page.content.decode()
    mobility.distance_km = 1500
    mobility.save()
    assert grant_for(mobility).distance_entered
    page = client_for(world.pc_a).get(reverse("mobility:mobility_detail", kwargs={"code": mobility.code}))
    assert "entered by hand" in page.content.decode()
