"""Phone numbers as people write them find the same key (core.phones), with the county's area code 0999."""

from __future__ import annotations

import pytest
from django.test import override_settings

from shuniu.core.phones import phone_key, phone_keys

OFFICE = "09996037369"
MOBILE = "13800138000"


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("0999-6037369", OFFICE),
        ("0999 603 7369", OFFICE),
        ("(0999)6037369", OFFICE),
        ("（0999）6037369", OFFICE),
        ("+86 999 6037369", OFFICE),
        ("+86-999-6037369", OFFICE),
        ("0086 999 6037369", OFFICE),
        ("6037369", OFFICE),  # dialled locally
        ("603-7369", OFFICE),
        ("0999-6037369转8001", OFFICE),
        ("0999-6037369 分机 12", OFFICE),
        ("0999-6037369 ext. 8001", OFFICE),
        ("0999-6037369-8001", OFFICE),
        ("0999-6037369#8001", OFFICE),
        ("138 0013 8000", MOBILE),
        ("138-0013-8000", MOBILE),
        ("+86 138 0013 8000", MOBILE),
        ("+8613800138000", MOBILE),
        ("0086-13800138000", MOBILE),
        ("(86) 13800138000", MOBILE),
        ("010-12345678", "01012345678"),  # Beijing: a 3-digit area code, an 8-digit number
        ("09996037369-8001", OFFICE),
        ("09996037369", OFFICE),
        ("01012345678-123", "01012345678"),
        ("6037369-8001", OFFICE),
        ("86 13800138000", MOBILE),
        ("8613800138000", MOBILE),
        ("013800138000", MOBILE),  # a switchboard's extra 0
        ("", ""),
        ("无", ""),
    ],
)
@override_settings(AREA_CODE="0999")
def test_a_number_however_written_has_one_key(written: str, key: str) -> None:
    assert phone_key(written) == key


@override_settings(AREA_CODE="0999")
def test_a_field_with_several_numbers_gives_each() -> None:
    assert phone_keys("6037369、6037370") == [OFFICE, "09996037370"]
    assert phone_keys("0999-6037369，13800138000") == [OFFICE, MOBILE]


@override_settings(AREA_CODE="0999")
def test_different_numbers_stay_different() -> None:
    assert phone_key("0999-6037368") != phone_key("0999-6037369")
    assert phone_key("0998-6037369") != phone_key("0999-6037369")
    assert phone_key("13800138001") != phone_key("13800138000")
