"""The ECVET demo data added to `seed_demo`: a Beauty-sector catalogue marked as example data and a
memorandum in force among the four VISION partners, approved through the approval service; idempotent."""

from collections import Counter
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command

from demo.ecvet_catalogue import MEMORANDUM_TITLE
from ecvet.models import Approval, Memorandum, Qualification, Unit
from ecvet.services import approvals
from ecvet.services.memoranda import effective_status

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def test_each_vision_country_has_beauty_qualifications_marked_as_examples(demo):
    qualifications = Qualification.objects.select_related("organisation")
    assert Counter(q.organisation.slug for q in qualifications) == {"kmpmc": 2, "essenia": 2, "nova": 2, "savo": 2}
    assert {q.country.code for q in qualifications} == {"LT", "IT", "NL", "FI"}
    assert all(q.is_example and "(example)" in q.awarding_body for q in qualifications)
    assert {q.eqf_level for q in qualifications} <= {3, 4}
    therapists = {q.title_original for q in qualifications if q.eqf_level == 4}
    assert {"Kosmetikas", "Estetista", "Schoonheidsspecialist"} <= therapists


def test_every_qualification_has_four_to_six_units_within_its_points(demo):
    for qualification in Qualification.objects.prefetch_related("units"):
        units = list(qualification.units.all())
        assert 4 <= len(units) <= 6
        assert sum(u.ecvet_points for u in units) <= qualification.total_ecvet_points
        assert all(u.skills and u.knowledge and u.competence for u in units)
        for unit in units:
            unit.full_clean()


def test_the_memorandum_is_in_force_among_the_four_partners_approved_by_each_coordinator(demo):
    memorandum = Memorandum.objects.get(title=MEMORANDUM_TITLE)
    assert memorandum.status == Memorandum.Status.IN_FORCE
    assert memorandum.partnership.slug == "vision-mobility"
    assert {p.organisation.slug for p in memorandum.parties.all()} == {"kmpmc", "essenia", "nova", "savo"}
    assert memorandum.qualifications.count() == 4
    assert (str(memorandum.valid_from), str(memorandum.valid_until)) == ("2020-09-01", "2027-12-31")
    assert all(mu.ecvet_points <= mu.unit.ecvet_points for mu in memorandum.memorandum_units.all())
    state = approvals.state(memorandum)
    assert state["waiting_for"] == []
    signers = {a.signer.email for a in approvals.approvals_of(memorandum) if a.decision == Approval.Decision.APPROVED}
    assert signers == {f"coordinator@{slug}.example" for slug in ("kmpmc", "essenia", "nova", "savo")}
    with time_machine.travel(TODAY, tick=False):
        assert effective_status(memorandum)[0] == Memorandum.Status.IN_FORCE


def test_seeding_twice_adds_nothing(demo):
    counts = (Qualification.objects.count(), Unit.objects.count(), Memorandum.objects.count(), Approval.objects.count())
    with time_machine.travel(TODAY, tick=False):
        call_command("seed_demo", verbosity=0)
    assert counts == (
        Qualification.objects.count(),
        Unit.objects.count(),
        Memorandum.objects.count(),
        Approval.objects.count(),
    )
