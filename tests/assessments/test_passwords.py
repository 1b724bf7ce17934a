from assessments.passwords import hash_password, verify_password


def test_hash_verifies_only_the_same_password() -> None:
    stored = hash_password("Mật khẩu dài 2026")
    assert stored.startswith("scrypt$")
    assert verify_password("Mật khẩu dài 2026", stored)
    assert not verify_password("mật khẩu dài 2026", stored)


def test_same_password_gets_a_different_salt() -> None:
    assert hash_password("same-password") != hash_password("same-password")


def test_malformed_hashes_never_verify() -> None:
    for stored in ("", "plain", "bcrypt$x", "scrypt$1$2$3$zz$yy", "scrypt$16384$8$1$00$00$extra"):
        assert not verify_password("anything", stored)
