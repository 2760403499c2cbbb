"""Personal data: SM4 sealing and key rotation, blind indexes, masks, and the ID number's check digit."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from shuniu.core.idcard import check_digit, is_old_form, normalise_id
from shuniu.core.personal import SealError, blind_index, key_id_of, mask_id, mask_phone, seal, unseal

OLD, NEW = {"k1": bytes(range(16))}, {"k2": bytes(range(16, 32)), "k1": bytes(range(16))}


class TestSealing:
    def test_round_trip_with_a_fresh_nonce_each_time(self) -> None:
        text = "110105194912310021 张三 13800001234"
        first, second = seal(text), seal(text)
        assert first != second  # no two seals alike: equal values cannot be spotted in the table
        assert text not in first
        assert unseal(first) == unseal(second) == text
        assert seal("") == ""
        assert unseal("") == ""

    def test_an_altered_value_does_not_open(self) -> None:
        sealed = seal("13800001234")
        prefix, key_id, payload = sealed.split(":", 2)
        flipped = payload[:-6] + ("A" if payload[-6] != "A" else "B") + payload[-5:]
        with pytest.raises(SealError, match="被改动"):
            unseal(f"{prefix}:{key_id}:{flipped}")
        with pytest.raises(SealError):
            unseal("13800001234")  # plaintext is not a sealed value

    def test_rotation_keeps_old_values_open_and_seals_new_ones_under_the_new_key(self) -> None:
        with override_settings(DATA_KEYS=OLD):
            old = seal("张三")
        assert key_id_of(old) == "k1"
        with override_settings(DATA_KEYS=NEW):
            assert unseal(old) == "张三"
            assert key_id_of(seal("张三")) == "k2"
        with override_settings(DATA_KEYS={"k2": NEW["k2"]}), pytest.raises(SealError, match="不在配置中"):
            unseal(old)  # the old key dropped before rekeying: refused, never garbage

    def test_a_value_moved_to_another_column_does_not_open(self) -> None:
        sealed = seal("13800001234", "petitions.Petitioner.phone")
        assert unseal(sealed, "petitions.Petitioner.phone") == "13800001234"
        with pytest.raises(SealError, match="被改动"):
            unseal(sealed, "petitions.Petitioner.id_number")


class TestBlindIndex:
    def test_equal_values_equal_indexes_under_one_key_only(self) -> None:
        assert blind_index("id", "110105194912310021") == blind_index("id", "110105194912310021")
        assert blind_index("id", "110105194912310021") != blind_index("phone", "110105194912310021")
        assert len(blind_index("phone", "13800001234")) == 64
        assert "13800001234" not in blind_index("phone", "13800001234")
        with override_settings(INDEX_KEY=b"\x01" * 32):
            other = blind_index("phone", "13800001234")
        assert other != blind_index("phone", "13800001234")
        assert blind_index("phone", "") == ""


def test_masks() -> None:
    assert mask_id("11010519491231002X") == "110105********002X"
    assert mask_id("110105491231002") == "110105*****1002"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0371-6555 1234") == "********1234"  # a landline: its last four
    assert mask_phone("") == ""


class TestIdNumber:
    def test_the_standards_example_and_a_lower_case_x(self) -> None:
        # GB 11643-1999, appendix: 11010519491231002X
        assert check_digit("11010519491231002") == "X"
        assert normalise_id(" 11010519491231002x ") == "11010519491231002X"

    def test_random_numbers_valid_and_invalid(self) -> None:
        rng = random.Random(11643)
        for _ in range(200):
            birth = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(30000))
            first17 = f"{rng.randrange(110000, 660000)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
            good = first17 + check_digit(first17)
            assert normalise_id(good) == good
            wrong = next(c for c in "0123456789X" if c != good[-1])
            with pytest.raises(ValidationError, match="校验位"):
                normalise_id(first17 + wrong)

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("1101051949123100", "18 位"),  # 16 digits
            ("11010519491331002X", "出生日期"),  # month 13
            ("11010520991231002X", "出生日期"),  # born in the future
            ("110105491331002", "出生日期"),  # an old number, month 13
            ("11010519491231002Y", "18 位"),
        ],
    )
    def test_bad_numbers_say_why(self, text: str, message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            normalise_id(text)

    def test_the_old_fifteen_digit_form_is_accepted_as_such(self) -> None:
        assert normalise_id("110105491231002") == "110105491231002"
        assert is_old_form("110105491231002")
        assert not is_old_form("11010519491231002X")
