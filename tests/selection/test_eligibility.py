"""The eligibility check: a pure function of the call's conditions, the applicant's data and the documents sent
(no database needed for the function itself)."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

from selection.eligibility import missing_documents, unmet_conditions
from selection.models import Call

DEADLINE = datetime(2027, 3, 1, 12, tzinfo=UTC)
BOTH = ["motivation", "cv"]


def call(**overrides):
    fields = {
        "deadline": DEADLINE,
        "qualification_title": "Beautician",
        "eqf_min": 3,
        "eqf_max": 4,
        "age_min": 16,
        "age_max": 25,
        "study_years": [2, 3],
        "requires_motivation_letter": True,
        "requires_cv": True,
        "requires_guardian_consent": True,
    }
    fields.update(overrides)
    return Call(**fields)


def applicant(**overrides):
    fields = {
        "date_of_birth": date(2005, 3, 14),  # 21 on the deadline
        "eqf_level": 4,
        "qualification_title": "beautician ",
        "study_year": 2,
        "guardian_name": "",
        "guardian_email": "",
    }
    fields.update(overrides)
    return SimpleNamespace(**fields)


def test_an_applicant_meeting_every_condition_is_eligible():
    assert unmet_conditions(call(), applicant(), BOTH) == []


def test_age_is_counted_on_the_deadline():
    # 16 on 2027-03-01 exactly: old enough; one day younger: too young.
    assert (
        unmet_conditions(
            call(),
            applicant(date_of_birth=date(2011, 3, 1), guardian_name="P", guardian_email="p@example.org"),
            [*BOTH, "guardian_consent"],
        )
        == []
    )
    reasons = unmet_conditions(
        call(),
        applicant(date_of_birth=date(2011, 3, 2), guardian_name="P", guardian_email="p@example.org"),
        [*BOTH, "guardian_consent"],
    )
    assert reasons == ["Too young: 15 at the deadline; the call asks for at least 16."]
    assert unmet_conditions(call(), applicant(date_of_birth=date(2000, 1, 1)), BOTH) == [
        "Too old: 27 at the deadline; the call asks for at most 25."
    ]


def test_eqf_level_qualification_and_study_year_are_checked():
    reasons = unmet_conditions(call(), applicant(eqf_level=5, qualification_title="Hairdresser", study_year=1), BOTH)
    assert reasons == [
        "EQF level 5 is above the call's highest, 4.",
        "The call is for learners taking “Beautician”.",
        "The call is for year(s) of study 2, 3.",
    ]
    assert unmet_conditions(call(), applicant(eqf_level=2), BOTH) == ["EQF level 2 is below the call's lowest, 3."]
    assert unmet_conditions(call(), applicant(eqf_level=None), BOTH) == ["The EQF level is missing."]


def test_open_conditions_admit_anyone():
    open_call = call(qualification_title="", eqf_min=None, eqf_max=None, age_min=None, age_max=None, study_years=[])
    assert unmet_conditions(open_call, applicant(eqf_level=None, study_year=None, qualification_title=""), BOTH) == []


def test_required_documents_are_listed_when_missing():
    assert unmet_conditions(call(), applicant(), []) == ["The motivation letter is missing.", "The CV is missing."]
    assert unmet_conditions(call(requires_cv=False, requires_motivation_letter=False), applicant(), []) == []
    assert missing_documents(call(), applicant(), ["cv"]) == ["motivation"]


def test_a_minor_needs_the_guardians_consent_and_contact():
    minor = applicant(date_of_birth=date(2010, 1, 1))  # 17 on the deadline
    assert unmet_conditions(call(), minor, BOTH) == [
        "The applicant is under 18 at the deadline: the parent's or guardian's consent is missing.",
        "The applicant is under 18 at the deadline: the parent's or guardian's name and e-mail are missing.",
    ]
    minor.guardian_name, minor.guardian_email = "Rasa", "rasa@example.org"
    assert unmet_conditions(call(), minor, [*BOTH, "guardian_consent"]) == []
    assert missing_documents(call(), minor, BOTH) == ["guardian_consent"]
    # A call that does not ask for the signed consent still needs a guardian to write to.
    assert unmet_conditions(call(requires_guardian_consent=False), minor, BOTH) == []
    minor.guardian_email = ""
    assert unmet_conditions(call(requires_guardian_consent=False), minor, BOTH) == [
        "The applicant is under 18 at the deadline: the parent's or guardian's name and e-mail are missing."
    ]


def test_an_adult_needs_no_guardian():
    assert missing_documents(call(), applicant(date_of_birth=date(2009, 3, 1)), BOTH) == []
