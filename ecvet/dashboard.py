"""The "Documents waiting for you" panel on the home dashboard (registered with partners.dashboard).

Learning Agreement versions awaiting a decision from a party the user acts for (the learner for their own,
an organisation's signers for it), minus the parties that have already approved that exact content.
Two queries whatever the number of documents.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from partners.dashboard import register_panel
from partners.models import Right

from .models import Approval, LearningAgreementVersion

PANEL_LIMIT = 10


def _signer_org_ids(scope) -> set[int]:
    # Signing is never delegated: only organisations where the user is a member with the right.
    return {org for org in scope.member_org_ids if Right.SIGN_DOCUMENTS in scope.rights_by_org.get(org, ())}


@register_panel(40)
def waiting_panel(request, scope):
    user = request.user
    signer_orgs = _signer_org_ids(scope)
    if scope.user_id is None or (not signer_orgs and not scope.has_role("learner")):
        return None
    m = "agreement__mobility__"
    mine = Q(**{f"{m}learner__user_id": user.pk})
    if signer_orgs:
        mine |= Q(**{f"{m}sending_organisation_id__in": signer_orgs}) | Q(
            **{f"{m}receiving_organisation_id__in": signer_orgs}
        )
    versions = list(
        LearningAgreementVersion.objects.visible_to(user)
        .filter(mine, status=LearningAgreementVersion.Status.AWAITING)
        .select_related(f"{m}learner", f"{m}sending_organisation", f"{m}receiving_organisation", "agreement")
        .order_by("sent_at", "id")
    )
    if not versions:
        return None
    approved = set(
        Approval.objects.filter(
            content_type=ContentType.objects.get_for_model(LearningAgreementVersion),
            object_id__in=[v.pk for v in versions],
            decision=Approval.Decision.APPROVED,
        ).values_list("object_id", "party", "content_sha256")
    )
    waiting = []
    for version in versions:
        mobility = version.agreement.mobility
        parties = []
        if mobility.learner.user_id == user.pk:
            parties.append("learner")
        if mobility.sending_organisation_id in signer_orgs:
            parties.append("sending")
        if mobility.receiving_organisation_id in signer_orgs:
            parties.append("receiving")
        # The hash frozen when it was sent stands for the content (a later change of the mobility's dates
        # shows on the agreement page itself).
        version.my_parties = [p for p in parties if (version.pk, p, version.content_sha256) not in approved]
        if version.my_parties:
            waiting.append(version)
    if not waiting:
        return None
    return {
        "template": "ecvet/agreements/dashboard_panel.html",
        "versions": waiting[:PANEL_LIMIT],
        "count": len(waiting),
    }
