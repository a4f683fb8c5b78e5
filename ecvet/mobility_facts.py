"""The ECVET documents' facts behind a mobility's moves (registered with `mobility.guards` at start-up).

- *agreed* needs the Learning Agreement in force: a version approved by every party;
- *recognised* needs recognition recorded on the approved Personal Transcript (the transcript service
  then makes the move itself).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from mobility import guards
from partners.workflow import Missing

from .models import Transcript
from .models.agreements import agreement_in_force_missing


def recognition_recorded(mobility) -> list[Missing]:
    transcript = Transcript.objects.filter(mobility=mobility).only("status", "decision").first()
    url = reverse("ecvet:transcript_for_mobility", kwargs={"code": mobility.code})
    if transcript is None:
        message = _("There is no Personal Transcript yet.")
    elif transcript.status != Transcript.Status.APPROVED:
        message = _("The Personal Transcript is not approved by the host yet.")
    elif not transcript.decision:
        message = _("Recognition is not recorded on the approved Personal Transcript yet.")
    else:
        return []
    return [Missing(message, url, _("Open the Personal Transcript"))]


guards.register("agree", agreement_in_force_missing)
guards.register("recognise", recognition_recorded)
