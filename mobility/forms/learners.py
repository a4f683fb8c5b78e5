from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from partners.forms import CrispyFormMixin

from ..models import Learner


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LearnerForm(CrispyFormMixin, forms.ModelForm):
    """A learner's record. Learner.clean checks the date of birth, the guardian of a minor and the consent date."""

    class Meta:
        model = Learner
        fields = [
            "first_name",
            "last_name",
            "date_of_birth",
            "gender",
            "nationality",
            "email",
            "home_organisation",
            "qualification_title",
            "eqf_level",
            "fewer_opportunities",
            "special_needs",
            "emergency_contact_name",
            "emergency_contact_phone",
            "guardian_name",
            "guardian_email",
            "guardian_phone",
            "consent_given_on",
        ]
        widgets = {"date_of_birth": date_input(), "consent_given_on": date_input()}
        help_texts = {"email": _("Used to invite the learner to the portal, where they see their own mobility.")}

    def __init__(self, *args, organisations=None, lock_home_organisation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        home = self.fields["home_organisation"]
        home.queryset = organisations
        if organisations is not None and self.instance._state.adding and len(organisations) == 1:
            home.initial = organisations[0]
        if lock_home_organisation:
            # Existing mobilities are sent by this organisation; moving the learner would break them.
            home.disabled = True
            home.help_text = _("The learner already has mobilities sent by this organisation, so it cannot change.")
        self.helper.layout = Layout(
            Fieldset(_("Person"), "first_name", "last_name", "date_of_birth", "gender", "nationality", "email"),
            Fieldset(_("Studies"), "home_organisation", "qualification_title", "eqf_level"),
            Fieldset(_("Inclusion (Erasmus+)"), "fewer_opportunities", "special_needs"),
            Fieldset(_("Emergency contact"), "emergency_contact_name", "emergency_contact_phone"),
            Fieldset(
                _("Parent or guardian (required for learners under 18)"),
                "guardian_name",
                "guardian_email",
                "guardian_phone",
            ),
            Fieldset(_("Consent"), "consent_given_on"),
        )
