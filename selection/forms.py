"""Forms of the calls and applications: the call (with the placements picker and the criteria formset), the
public application form and the coordinator's paper entry, the list filter and the reason of a move.

Choices come from scoped querysets only: a call's organisation among `access.call_organisations` that belong to
the partnership, its placements among the published ones of that partnership. Uploads are checked like evidence
files (`partners.uploads`: type by name and leading bytes, size).
"""

from __future__ import annotations

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.uploads import UploadValidator, max_upload_bytes

from .models import Application, ApplicationDocument, Call, Criterion, age_on

# What each kind of document may be: a Europass CV is a PDF; a consent may be a scan or photo.
DOCUMENT_TYPES = {
    ApplicationDocument.Kind.MOTIVATION: ("pdf", "docx", "odt", "txt"),
    ApplicationDocument.Kind.CV: ("pdf", "docx", "odt"),
    ApplicationDocument.Kind.GUARDIAN_CONSENT: ("pdf", "jpg", "png"),
    ApplicationDocument.Kind.OTHER: ("pdf", "docx", "odt", "jpg", "png"),
}
# The application form is refused when sent back faster than a person could fill it in (a robot).
MIN_FILL_SECONDS = 3
MAX_FILL_SECONDS = 6 * 3600
STUDY_YEARS = [(year, str(year)) for year in range(1, 7)]
EQF_CHOICES = [(level, str(level)) for level in range(1, 9)]


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


# --- a call ------------------------------------------------------------------------------------------------------


class CallForm(forms.ModelForm):
    study_years = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Years of study"),
        choices=STUDY_YEARS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Tick the years that may apply; none ticked: any year."),
    )

    class Meta:
        model = Call
        fields = [
            "organisation",
            "title",
            "text",
            "local_language",
            "title_local",
            "text_local",
            "placements",
            "destinations",
            "places",
            "qualification_title",
            "eqf_min",
            "eqf_max",
            "age_min",
            "age_max",
            "study_years",
            "opens_at",
            "deadline",
            "requires_motivation_letter",
            "requires_cv",
            "requires_guardian_consent",
            "fewer_opportunities_points",
            "retention_months",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 6}),
            "text_local": forms.Textarea(attrs={"rows": 6}),
            "destinations": forms.Textarea(attrs={"rows": 2}),
            "placements": forms.CheckboxSelectMultiple,
            "opens_at": datetime_input(),
            "deadline": datetime_input(),
        }

    def __init__(self, *args, partnership, organisations, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        field = self.fields["organisation"]
        field.queryset = organisations
        field.error_messages["invalid_choice"] = _("Choose one of the organisations you open calls for.")
        if len(organisations) == 1 and not self.instance.pk:
            field.initial = organisations[0].pk
            field.empty_label = None
        if self.instance.pk:
            field.disabled = True
        self.fields["placements"].queryset = placements
        self.fields["placements"].label_from_instance = lambda p: (
            _("%(title)s at %(host)s, %(city)s (%(start)s – %(end)s, %(places)s places)")
            % {
                "title": p.title,
                "host": p.host.name,
                "city": p.host.city,
                "start": p.start_date,
                "end": p.end_date,
                "places": p.places,
            }
        )
        for name in ("opens_at", "deadline"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        self.fields["local_language"].help_text = _(
            "The second language of the call page; empty: the sending organisation's language."
        )
        if self.instance.pk and self.instance.status != Call.Status.DRAFT:
            # Applicants read these when they applied: the rules of a published call stay as published.
            for name in (
                "qualification_title",
                "eqf_min",
                "eqf_max",
                "age_min",
                "age_max",
                "study_years",
                "requires_motivation_letter",
                "requires_cv",
                "requires_guardian_consent",
                "fewer_opportunities_points",
            ):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed once the call is published.")

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline and self.instance.status == Call.Status.DRAFT and deadline <= timezone.now():
            raise forms.ValidationError(_("The deadline must be in the future."))
        return deadline

    def clean(self):
        data = super().clean()
        pairs = (
            ("eqf_min", "eqf_max", _("The highest EQF level is below the lowest.")),
            ("age_min", "age_max", _("The maximum age is below the minimum.")),
            ("opens_at", "deadline", _("The call must open before its deadline.")),
        )
        for low, high, message in pairs:
            if (
                data.get(low) is not None
                and data.get(high) is not None
                and data[high] <= data[low]
                and (low == "opens_at" or data[high] < data[low])
            ):
                self.add_error(high, message)
        if not data.get("placements") and not (data.get("destinations") or "").strip():
            self.add_error("destinations", _("Offer placements or describe the destinations."))
        return data


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "description", "weight", "max_points", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


CriterionFormSet = forms.inlineformset_factory(
    Call, Criterion, form=CriterionForm, extra=2, can_delete=True, min_num=1, validate_min=True
)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *Application.Status.choices]


# --- an application ----------------------------------------------------------------------------------------------


def _file_field(kind: str, label) -> forms.FileField:
    validator = UploadValidator(DOCUMENT_TYPES[kind])
    types = ", ".join(ext.upper() for ext in DOCUMENT_TYPES[kind])
    field = forms.FileField(
        label=label,
        required=False,
        validators=[validator],
        help_text=_("%(types)s, up to %(size)s MB.") % {"types": types, "size": max_upload_bytes() // (1024 * 1024)},
    )
    field.widget.attrs["accept"] = validator.accept_attribute()
    return field


class ApplicationForm(forms.ModelForm):
    """The applicant's data and documents, checked against the call's requirements: required documents, and for
    an applicant under 18 at the deadline the guardian's name, e-mail and signed consent."""

    class Meta:
        model = Application
        fields = [
            "first_name",
            "last_name",
            "email",
            "date_of_birth",
            "language",
            "qualification_title",
            "eqf_level",
            "study_year",
            "fewer_opportunities",
            "fewer_opportunities_note",
            "guardian_name",
            "guardian_email",
        ]
        widgets = {"date_of_birth": date_input()}

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.instance.call = call
        self.fields["date_of_birth"].required = True
        self.fields["eqf_level"] = forms.TypedChoiceField(
            label=_("EQF level"),
            choices=[("", _("I don't know")), *EQF_CHOICES],
            coerce=int,
            empty_value=None,
            required=False,
            help_text=_("The level of the qualification you are studying for (ask your school)."),
        )
        self.fields["study_year"].help_text = _("Your year in the programme: 1 for the first year.")
        self.fields["guardian_name"].help_text = _("Required if you are under 18 on the call's deadline.")
        self.fields["guardian_email"].help_text = _("Required if you are under 18 on the call's deadline.")
        self.fields["motivation"] = _file_field(ApplicationDocument.Kind.MOTIVATION, _("Motivation letter"))
        self.fields["motivation"].required = call.requires_motivation_letter
        self.fields["cv"] = _file_field(ApplicationDocument.Kind.CV, _("CV (a Europass CV as PDF is welcome)"))
        self.fields["cv"].required = call.requires_cv
        self.fields["guardian_consent"] = _file_field(
            ApplicationDocument.Kind.GUARDIAN_CONSENT, _("Parent's or guardian's signed consent")
        )
        if call.requires_guardian_consent:
            self.fields["guardian_consent"].help_text = _(
                "Required if you are under 18 on the call's deadline. %(types)s"
            ) % {"types": self.fields["guardian_consent"].help_text}
        self.fields["other"] = _file_field(ApplicationDocument.Kind.OTHER, _("Another document (optional)"))

    def clean(self):
        data = super().clean()
        birth = data.get("date_of_birth")
        if birth and birth >= timezone.localdate():
            self.add_error("date_of_birth", _("Enter your date of birth."))
            return data
        if birth and age_on(birth, self.call.deadline_date) < 18:
            if not data.get("guardian_name"):
                self.add_error(
                    "guardian_name", _("You are under 18 on the deadline: give your parent's or guardian's name.")
                )
            if not data.get("guardian_email"):
                self.add_error(
                    "guardian_email", _("You are under 18 on the deadline: give your parent's or guardian's e-mail.")
                )
            if (
                self.call.requires_guardian_consent
                and not data.get("guardian_consent")
                and "guardian_consent" not in self.errors
            ):
                self.add_error(
                    "guardian_consent",
                    _("You are under 18 on the deadline: upload your parent's or guardian's consent."),
                )
        if not data.get("fewer_opportunities"):
            data["fewer_opportunities_note"] = ""
        return data

    def files_by_kind(self) -> dict[str, object]:
        return {
            ApplicationDocument.Kind.MOTIVATION: self.cleaned_data.get("motivation"),
            ApplicationDocument.Kind.CV: self.cleaned_data.get("cv"),
            ApplicationDocument.Kind.GUARDIAN_CONSENT: self.cleaned_data.get("guardian_consent"),
            ApplicationDocument.Kind.OTHER: self.cleaned_data.get("other"),
        }


class PublicApplicationForm(ApplicationForm):
    """The public form adds the consent to the privacy notice and two guards against robots: a field people do
    not see (a robot fills it) and the signed time the form was shown (a robot sends it back at once)."""

    consent = forms.BooleanField(
        label=gettext_lazy("I have read the privacy notice and agree that my data is processed for this selection."),
        required=True,
    )
    website = forms.CharField(label=gettext_lazy("Leave this field empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    SALT = "selection.form-started"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial["started"] = signing.TimestampSigner(salt=self.SALT).sign(str(self.call.code))

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""

    def clean(self):
        data = super().clean()
        problem = self.started_problem(data.get("started") or "")
        if problem:
            self.add_error(None, problem)
        return data

    def refresh_started(self) -> None:
        """Show a form sent back with errors with a new start time (an expired one would refuse it again)."""
        self.data = self.data.copy()
        self.data["started"] = signing.TimestampSigner(salt=self.SALT).sign(str(self.call.code))

    def started_problem(self, value: str) -> str:
        """Why the signed start time refuses the form ("" when a person could have filled it in)."""
        signer = signing.TimestampSigner(salt=self.SALT)
        try:
            code = signer.unsign(value, max_age=MAX_FILL_SECONDS)
        except signing.BadSignature:
            return _("The form has expired: please fill it in again.")
        if code != str(self.call.code):
            return _("The form has expired: please fill it in again.")
        sent_at = signing.b62_decode(value.split(signer.sep)[1])
        if timezone.now().timestamp() - sent_at < MIN_FILL_SECONDS:
            return _("The form was sent too quickly. Please check it and send it again.")
        return ""


class PaperApplicationForm(ApplicationForm):
    """A coordinator enters an application received on paper; the applicant (and a minor's guardian) signed
    the consent there."""

    consent_on_paper = forms.BooleanField(
        label=gettext_lazy("The applicant signed the consent and received the privacy notice on paper."),
        required=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The eligibility check lists what is missing; a coordinator may enter an incomplete paper application.
        for name in ("motivation", "cv"):
            self.fields[name].required = False
