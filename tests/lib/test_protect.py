"""Field protection: encryption round trip, keyed lookup hashes and the masks shown on screen."""

import hashlib
import hmac
from base64 import urlsafe_b64encode

import pytest

from notoneless.lib.protect import (
    FieldCipher,
    InvalidToken,
    mask_card_number,
    mask_id_number,
    mask_phone,
    mask_student_number,
)

ID = "610802201003050013"


def make_key(byte: int) -> str:
    return urlsafe_b64encode(bytes([byte]) * 32).decode()


@pytest.fixture
def cipher():
    return FieldCipher([make_key(1)], b"lookup-key-one")


def test_encrypt_then_decrypt_gives_the_value_back(cipher):
    token = cipher.encrypt(ID)
    assert ID not in token
    assert cipher.decrypt(token) == ID


def test_encryption_is_randomised(cipher):
    assert cipher.encrypt(ID) != cipher.encrypt(ID)


def test_an_altered_token_is_refused(cipher):
    token = cipher.encrypt(ID)
    altered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(InvalidToken):
        cipher.decrypt(altered)


def test_another_key_cannot_decrypt(cipher):
    other = FieldCipher([make_key(2)], b"lookup-key-one")
    with pytest.raises(InvalidToken):
        other.decrypt(cipher.encrypt(ID))


def test_a_rotated_key_list_still_decrypts_old_tokens_and_encrypts_with_the_new_key(cipher):
    old_token = cipher.encrypt(ID)
    rotated = FieldCipher([make_key(3), make_key(1)], b"lookup-key-one")
    assert rotated.decrypt(old_token) == ID
    new_token = rotated.encrypt(ID)
    assert FieldCipher([make_key(3)], b"lookup-key-one").decrypt(new_token) == ID
    assert rotated.needs_rotation(old_token) and not rotated.needs_rotation(new_token)


def test_no_keys_is_refused():
    with pytest.raises(ValueError):
        FieldCipher([], b"k")


def test_lookup_hash_is_stable_and_keyed(cipher):
    same_key = FieldCipher([make_key(2)], b"lookup-key-one")
    other_key = FieldCipher([make_key(1)], b"lookup-key-two")
    digest = cipher.lookup_hash(ID)
    assert digest == cipher.lookup_hash(ID) == same_key.lookup_hash(ID)
    assert digest != other_key.lookup_hash(ID)
    assert digest != cipher.lookup_hash("610802201003050021")
    assert len(digest) == 32  # HMAC-SHA256 truncated to 128 bits
    assert digest == hmac.new(b"lookup-key-one", ID.encode(), hashlib.sha256).hexdigest()[:32]
    assert ID not in digest


def test_encrypt_many_keeps_blanks_blank_and_order(cipher):
    tokens = cipher.encrypt_many([ID, "", "13800138000"])
    assert tokens[1] == ""
    assert [cipher.decrypt(tokens[0]), cipher.decrypt(tokens[2])] == [ID, "13800138000"]
    assert cipher.lookup_hashes([ID, ""]) == [cipher.lookup_hash(ID), ""]


def test_encrypt_many_keeps_blanks_blank_and_order_in_a_column(cipher):
    values = [f"61080220100305{i:04d}" for i in range(9)] + [""]
    tokens = cipher.encrypt_many(values)
    assert len(tokens) == len(values)
    assert [cipher.decrypt(t) if t else "" for t in tokens] == values


def test_id_number_mask_shows_region_and_last_four_and_hides_the_birth_date():
    masked = mask_id_number(ID)
    assert masked == "610802********0013"
    assert "20100305" not in masked
    assert len(masked) == 18


def test_card_mask_shows_first_six_and_last_four():
    assert mask_card_number("6217002870012345678") == "621700*********5678"
    assert mask_card_number("12345678") == "********"  # too short to mask: starred whole


def test_phone_mask_shows_first_three_and_last_four():
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("12345") == "*****"


def test_blank_values_mask_to_blank():
    assert mask_id_number("") == mask_card_number("") == mask_phone("") == ""


def test_g_and_j_student_numbers_are_masked_like_the_id_they_carry():
    assert mask_student_number("G" + ID) == "G610802********0013"
    assert mask_student_number("J" + ID) == "J610802********0013"


def test_l_student_numbers_carry_no_id_and_are_shown_as_they_are():
    assert mask_student_number("L2020610802001234") == "L2020610802001234"
