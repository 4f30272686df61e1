"""The tip line's codes: a district's short link code, and a tipster's follow-up code.

A follow-up code is 16 characters in 4 groups of 4 from an alphabet with no look-alikes (no 0/O,
1/I/L), made with ``secrets``: about 79 bits, too many to guess even without the throttle. Only
its SHA-256 is stored; the code itself is shown once, to the tipster, and then forgotten."""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # 31 signs, none mistaken for another aloud
GROUPS, GROUP = 4, 4
LINE_CODE_LENGTH = 6  # /tip/K7M3QP: short enough to type from a poster
SEPARATORS = str.maketrans("", "", " -_.\t")


def follow_up_code() -> str:
    """A new code as the tipster reads it: ``ABCD-EFGH-JKMN-PQRS``."""
    signs = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP))
    return "-".join(signs[i : i + GROUP] for i in range(0, len(signs), GROUP))


def normalised(typed: str) -> str | None:
    """The code as typed (any case, with or without dashes or spaces), or None when it can't
    be one of ours: then there's nothing to look up."""
    signs = typed.translate(SEPARATORS).upper()
    if len(signs) != GROUPS * GROUP or any(s not in ALPHABET for s in signs):
        return None
    return signs


def digest(code: str) -> str:
    """What is stored and looked up: the SHA-256 of the code's signs (dashes and case removed)."""
    signs = normalised(code)
    if signs is None:
        raise ValueError("not a follow-up code")
    return hashlib.sha256(signs.encode("ascii")).hexdigest()


def line_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LINE_CODE_LENGTH))
