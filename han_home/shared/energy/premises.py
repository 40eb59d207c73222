"""Premises identity in GB: the MPAN core (electricity) and the MPRN (gas).

A meter carries its premises id in the Metering cluster's SiteID attribute (0x0307). The
installer's job names the premises it is for; a meter whose SiteID differs belongs to
other premises (the "crossed meters" fault: a household billed for a neighbour's energy).

* MPAN core: 13 digits; the last is a check digit: the first twelve digits times the
  primes 3 5 7 13 17 19 23 29 31 37 41 43, summed, modulo 11, modulo 10.
* MPRN: 6 to 10 digits.
"""

from __future__ import annotations

import random
import re

MPAN_PRIMES = (3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43)
MPAN_DIGITS = 13
MPRN_MIN, MPRN_MAX = 6, 10
_SEPARATORS = re.compile(r"[\s-]")


def digits_only(text: str) -> str:
    """The id without spaces and dashes (labels and bills group the digits)."""
    return _SEPARATORS.sub("", text or "")


def mpan_check_digit(first_twelve: str) -> int:
    return sum(int(d) * p for d, p in zip(first_twelve, MPAN_PRIMES, strict=True)) % 11 % 10


def mpan_problem(text: str) -> str | None:
    """None for a valid MPAN core, else what is wrong: length | digits | check."""
    core = digits_only(text)
    if not core.isdigit():
        return "digits"
    if len(core) != MPAN_DIGITS:
        return "length"
    if mpan_check_digit(core[:12]) != int(core[12]):
        return "check"
    return None


def mprn_problem(text: str) -> str | None:
    """None for a valid MPRN, else what is wrong: length | digits."""
    mprn = digits_only(text)
    if not mprn.isdigit():
        return "digits"
    if not MPRN_MIN <= len(mprn) <= MPRN_MAX:
        return "length"
    return None


def make_mpan(rng: random.Random) -> str:
    """A valid MPAN core (the virtual home's premises)."""
    body = "".join(str(rng.randrange(10)) for _ in range(12))
    return body + str(mpan_check_digit(body))


def make_mprn(rng: random.Random) -> str:
    """A 10-digit MPRN (the virtual home's premises)."""
    return str(rng.randrange(10**9, 10**10))


def same_site(reported: str | None, expected: str) -> bool:
    """A meter's SiteID against the job's id: the digits must be equal."""
    return reported is not None and digits_only(reported) == digits_only(expected)
