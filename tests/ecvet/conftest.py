import json
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import skip_or_fail

# The mobility cast (tests/mobility/conftest.py) is the ground the ECVET documents stand on.
from tests.mobility.conftest import mob  # noqa: F401


@dataclass(frozen=True)
class OfficialEdc:
    validator: Any
    example: dict  # the schema package's own example credential (a generic transcript of records)

    def errors(self, credential: dict) -> list[str]:
        """Every violation, as "path: message" (empty when the credential passes)."""
        return [
            f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message[:300]}"
            for error in self.validator.iter_errors(credential)
        ]


@pytest.fixture(scope="session")
def official_edc() -> OfficialEdc:
    """The European Commission's Europass EDC JSON schema (ELM 3.2 on VCDM 2.0, with the EBSI attestation schema it
    builds on), read from the reference data beside the project (../shared/standards/europass-edc/, README.md
    there, or $VISION_STANDARDS_DIR/europass-edc/). Formats are asserted (date-time, uri) as the EBSI validators do.
    Skipped when the reference data is absent; a failure under REQUIRE_SERVICES=1 when VISION_STANDARDS_DIR names
    a folder without it."""
    from django.conf import settings
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    named = os.environ.get("VISION_STANDARDS_DIR")
    standards = Path(named) if named else Path(settings.BASE_DIR).parent / "shared" / "standards"
    folder = standards / "europass-edc"
    if not (folder / "edc-schema.json").is_file() or not (folder / "attestation-schema.json").is_file():
        reason = f"the official Europass EDC schema is not at {folder} (reference data, not part of the project)"
        # Reference data is not a service CI can start: absent, the tests say so and skip; pointed at (CI sets
        # VISION_STANDARDS_DIR where it finds it: .ci/run) but missing, they fail under REQUIRE_SERVICES=1.
        if named:
            skip_or_fail(reason)
        pytest.skip(reason)
    edc = json.loads((folder / "edc-schema.json").read_text(encoding="utf-8"))
    edc.pop("$id", None)  # a file:// id of the copy's origin; its relative $ref is registered instead
    attestation = Resource.from_contents(json.loads((folder / "attestation-schema.json").read_text(encoding="utf-8")))
    registry = Registry().with_resource(edc["allOf"][0]["$ref"], attestation)
    Draft202012Validator.check_schema(edc)
    return OfficialEdc(
        validator=Draft202012Validator(edc, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER),
        example=json.loads((folder / "example-transcript-of-records.json").read_text(encoding="utf-8")),
    )


@pytest.fixture
def located(world) -> None:
    """A (Kaunas) and B (Haarlem) get their cities' coordinates: a mobility between them then has a distance,
    so its grant (and the participant's grant agreement) can be computed."""
    for organisation, latitude, longitude in (
        (world.org_a, "54.898500", "23.903600"),
        (world.org_b, "52.387400", "4.646200"),
    ):
        organisation.latitude, organisation.longitude = Decimal(latitude), Decimal(longitude)
        organisation.save(update_fields=["latitude", "longitude"])
