from decimal import Decimal

import pytest

# The mobility cast (tests/mobility/conftest.py) is the ground the ECVET documents stand on.
from tests.mobility.conftest import mob  # noqa: F401


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
