# The mobility cast (tests/mobility/conftest.py) is the ground the ECVET documents stand on.
from tests.mobility.conftest import mob  # noqa: F401
