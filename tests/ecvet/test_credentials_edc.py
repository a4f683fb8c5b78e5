"""The credentials against the European Commission's Europass EDC JSON schema (ELM 3.2 on VC Data Model 2.0) and
against VISION's own bundled schema: every credential the demo can produce passes both, and a credential broken
in each way the outside validators once found fails both.

The official schema is reference data beside the project (`official_edc`, tests/ecvet/conftest.py): these tests
skip without it, and fail under REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import copy
from datetime import date

import pytest

from documents.models import RenderedDocument
from documents.services import request_pdf
from ecvet.credentials import elm, europass_mobility, issuance, jades
from ecvet.models import EuropassMobility, Transcript
from ecvet.services import transcripts as service

from .test_transcripts import approved_transcript, chain  # noqa: F401 — the fixture


def test_the_official_schema_accepts_its_own_example(official_edc):
    assert official_edc.errors(official_edc.example) == []


def demo_documents() -> list[tuple]:
    transcripts = Transcript.objects.select_related("mobility__learner").order_by("pk")
    europasses = EuropassMobility.objects.select_related("mobility__learner").order_by("pk")
    return [(elm.build, t) for t in transcripts if elm.is_available(t)] + [
        (europass_mobility.build, e) for e in europasses if europass_mobility.unavailable_reason(e) is None
    ]


def awarding_dates(node) -> list[str]:
    """Every awardingDate anywhere in the credential."""
    if isinstance(node, dict):
        found = [node["awardingDate"]] if "awardingDate" in node else []
        return found + [d for value in node.values() for d in awarding_dates(value)]
    if isinstance(node, list):
        return [d for value in node for d in awarding_dates(value)]
    return []


def test_every_credential_the_demo_can_produce_passes_the_official_edc_schema_and_ours(demo_rows, official_edc):
    documents = demo_documents()
    kinds = [build for build, _document in documents]
    assert elm.build in kinds and europass_mobility.build in kinds
    # As seeded (the sealed PDFs still queued), then with every sealed PDF ready: the evidence differs.
    for pdfs_ready in (False, True):
        if pdfs_ready:
            for _build, document in documents:
                row = request_pdf(document)
                RenderedDocument.objects.filter(pk=row.pk).update(
                    status=RenderedDocument.Status.READY, file_sha256="cd" * 32
                )
        for build, document in documents:
            credential, signed = issuance.issue(build, document)
            label = f"{type(document).__name__} {document.code} (sealed PDFs ready: {pdfs_ready})"
            assert official_edc.errors(credential) == [], label
            assert elm.errors(credential) == [], label
            assert jades.verify(signed)[0] == credential
            # Valid from the award, never before it; issued at the sealing instant.
            assert all(credential["validFrom"] >= awarded for awarded in awarding_dates(credential)), label
            assert credential["validFrom"] <= credential["issued"], label
            if isinstance(document, Transcript):
                assert credential["validFrom"] >= f"{document.decided_on.isoformat()}T00:00:00Z", label
            if pdfs_ready:
                assert any("cd" * 32 in e["evidenceStatement"] for e in credential["evidence"]), label


# --- the six ways the outside validators found -----------------------------------------------------------


@pytest.fixture
def credential(world, chain):  # noqa: F811
    """m_b_to_a's transcript (FAC and MAN of an EQF-4 qualification), approved and recognised, as a credential."""
    transcript = approved_transcript(world, chain)
    service.record_recognition(
        transcript, by=world.partner_b, decision="partly", decided_on=date(2021, 7, 1), how_it_counts="Counts"
    )
    return elm.build(Transcript.objects.select_related("mobility__learner").get(pk=transcript.pk))


def vc_1_1_context(credential):
    credential["@context"][0] = "https://www.w3.org/2018/credentials/v1"


def no_verifiable_attestation(credential):
    credential["type"].remove("VerifiableAttestation")


def capitalised_eqf_level(credential):
    qualification = credential["credentialSubject"]["hasClaim"][0]["specifiedBy"]["isPartOf"][0]
    qualification["EQFLevel"] = qualification.pop("eqfLevel")


def assessment_without_award(credential):
    del credential["credentialSubject"]["hasClaim"][0]["provenBy"][0]["awardedBy"]


def evidence_statement_as_language_map(credential):
    evidence = credential["evidence"][0]
    evidence["evidenceStatement"] = {"en": evidence["evidenceStatement"]}


def no_individual_display(credential):
    del credential["displayParameter"]["individualDisplay"]


BREAKAGES = [
    (vc_1_1_context, "@context"),
    (no_verifiable_attestation, "type"),
    (capitalised_eqf_level, "credentialSubject"),
    (assessment_without_award, "credentialSubject"),
    (evidence_statement_as_language_map, "evidence"),
    (no_individual_display, "displayParameter"),
]


def test_the_credential_passes_both_schemas_before_it_is_broken(credential, official_edc):
    assert official_edc.errors(credential) == []
    assert elm.errors(credential) == []


@pytest.mark.parametrize(("breakage", "where"), BREAKAGES, ids=[b.__name__ for b, _where in BREAKAGES])
def test_a_credential_broken_as_the_validators_found_fails_the_official_schema_and_ours(
    credential, official_edc, breakage, where
):
    broken = copy.deepcopy(credential)
    breakage(broken)
    official = official_edc.errors(broken)
    assert official, f"the official schema accepts {breakage.__name__}"
    assert all(error.startswith(where) for error in official), official
    ours = elm.errors(broken)
    assert ours and all(error.startswith(where) for error in ours), ours
