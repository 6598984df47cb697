"""Password hashing and secret tokens, standard library only.

Passwords use scrypt (RFC 7914) with a per-password salt. Tokens (API tokens, session ids) are
random; we store only an HMAC of them keyed by the instance secret, so a leaked database
alone cannot be used to log in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 8
TOKEN_PREFIX = "acc_"


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt)}${b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Constant-time check; a user without a password (None) never matches.

    >>> verify_password("correct horse", hash_password("correct horse"))
    True
    >>> verify_password("wrong", hash_password("correct horse"))
    False
    """
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = base64.b64decode(digest)
    actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                            p=int(p), dklen=len(expected))
    return hmac.compare_digest(actual, expected)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str, secret: str) -> str:
    """What we store for a token: HMAC-SHA256 under the instance secret, hex."""
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()
