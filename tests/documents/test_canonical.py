"""The canonical serialisation that approvals bind to."""

from datetime import date
from decimal import Decimal

from documents.canonical import canonical_json, content_sha256


def test_key_order_does_not_change_the_hash():
    assert content_sha256({"a": 1, "b": [1, 2]}) == content_sha256({"b": [1, 2], "a": 1})


def test_any_change_of_content_changes_the_hash():
    base = {"units": [{"code": "BT-01", "points": Decimal("5")}], "start": date(2026, 3, 1)}
    changed = {"units": [{"code": "BT-01", "points": Decimal("6")}], "start": date(2026, 3, 1)}
    assert content_sha256(base) != content_sha256(changed)


def test_equal_decimals_serialise_alike_and_text_stays_utf8():
    assert canonical_json({"p": Decimal("5.00")}) == canonical_json({"p": Decimal("5")}) == '{"p":"5"}'
    assert canonical_json({"t": "Grožio studija"}) == '{"t":"Grožio studija"}'


def test_the_hash_is_sha256_of_the_canonical_bytes():
    import hashlib

    content = {"z": date(2026, 1, 2), "a": "x"}
    assert canonical_json(content) == '{"a":"x","z":"2026-01-02"}'
    assert content_sha256(content) == hashlib.sha256(b'{"a":"x","z":"2026-01-02"}').hexdigest()
