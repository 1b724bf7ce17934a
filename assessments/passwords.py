"""Password hashing with scrypt from the standard library.

Format: ``scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>``, so the cost can be raised later
while old hashes still verify.
"""

from __future__ import annotations

import hashlib
import hmac
import os

# n=2**14, r=8, p=1 is RFC 7914's interactive-login setting: about 50 ms and 16 MiB here.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=128 * r * n * 2, dklen=32)


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = _scrypt(password, bytes.fromhex(salt_hex), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(digest, bytes.fromhex(digest_hex))


# A hash of a random password, verified against when the account does not exist so that
# a wrong e-mail and a wrong password take the same time.
DUMMY_HASH = hash_password(os.urandom(16).hex())
