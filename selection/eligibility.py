"""Eligibility of an application: a pure function listing the call's conditions an applicant does not meet.

`unmet_conditions(call, applicant, document_kinds)` reads only the values it is given (the call's conditions,
the applicant's data, the kinds of documents sent) and returns plain sentences, empty when the application is
eligible. The check after the e-mail is confirmed (`services.check_eligibility`) stores them on the application;
coordinators see the same list on the application page.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from .models import ApplicationDocument, age_on


def _same_text(a: str, b: str) -> bool:
    return " ".join((a or "").split()).casefold() == " ".join((b or "").split()).casefold()


def unmet_conditions(call, applicant, document_kinds: Iterable[str]) -> list[str]:
    """What `applicant` (an Application or anything with its fields) misses of `call`'s conditions."""
    kinds = set(document_kinds)
    out: list[str] = []
    deadline_day = call.deadline_date
    birth = applicant.date_of_birth
    age = age_on(birth, deadline_day) if birth else None
    if age is None and (call.age_min is not None or call.age_max is not None):
        out.append(_("The date of birth is missing."))
    if age is not None and call.age_min is not None and age < call.age_min:
        out.append(
            _("Too young: %(age)s at the deadline; the call asks for at least %(min)s.")
            % {"age": age, "min": call.age_min}
        )
    if age is not None and call.age_max is not None and age > call.age_max:
        out.append(
            _("Too old: %(age)s at the deadline; the call asks for at most %(max)s.")
            % {"age": age, "max": call.age_max}
        )
    level = applicant.eqf_level
    if (call.eqf_min is not None or call.eqf_max is not None) and level is None:
        out.append(_("The EQF level is missing."))
    elif level is not None:
        if call.eqf_min is not None and level < call.eqf_min:
            out.append(
                _("EQF level %(level)s is below the call's lowest, %(min)s.") % {"level": level, "min": call.eqf_min}
            )
        if call.eqf_max is not None and level > call.eqf_max:
            out.append(
                _("EQF level %(level)s is above the call's highest, %(max)s.") % {"level": level, "max": call.eqf_max}
            )
    if call.qualification_title and not _same_text(call.qualification_title, applicant.qualification_title):
        out.append(
            _("The call is for learners taking “%(qualification)s”.") % {"qualification": call.qualification_title}
        )
    years = [int(year) for year in (call.study_years or [])]
    if years and applicant.study_year not in years:
        out.append(
            _("The call is for year(s) of study %(years)s.") % {"years": ", ".join(str(y) for y in sorted(years))}
        )
    if call.requires_motivation_letter and ApplicationDocument.Kind.MOTIVATION not in kinds:
        out.append(_("The motivation letter is missing."))
    if call.requires_cv and ApplicationDocument.Kind.CV not in kinds:
        out.append(_("The CV is missing."))
    if age is not None and age < 18:
        if call.requires_guardian_consent and ApplicationDocument.Kind.GUARDIAN_CONSENT not in kinds:
            out.append(_("The applicant is under 18 at the deadline: the parent's or guardian's consent is missing."))
        if not (applicant.guardian_name and applicant.guardian_email):
            out.append(
                _("The applicant is under 18 at the deadline: the parent's or guardian's name and e-mail are missing.")
            )
    return out


def missing_documents(call, applicant, document_kinds: Iterable[str]) -> list[str]:
    """The kinds of document the call requires of this applicant and that were not sent (for the form)."""
    kinds = set(document_kinds)
    required = []
    if call.requires_motivation_letter:
        required.append(ApplicationDocument.Kind.MOTIVATION)
    if call.requires_cv:
        required.append(ApplicationDocument.Kind.CV)
    if call.requires_guardian_consent and call.is_minor(applicant.date_of_birth):
        required.append(ApplicationDocument.Kind.GUARDIAN_CONSENT)
    return [kind for kind in required if kind not in kinds]
