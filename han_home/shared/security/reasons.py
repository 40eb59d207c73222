"""Why a device accepted or refused an envelope: one code per verification step.

The numeric values are on the wire (a signed response carries one): never renumber.
"""

from __future__ import annotations

import enum


class Reason(enum.IntEnum):
    ACCEPTED = 0
    # 1. well-formed
    MALFORMED = 1
    OVERSIZED = 2
    # 2. signature
    UNSIGNED = 3
    BAD_SIGNATURE = 4
    # 3. chain to a trust anchor, role bound to the issuing CA's kind
    UNTRUSTED_CHAIN = 5
    WRONG_CA_KIND = 6
    # 4. not expired, not revoked
    CERT_EXPIRED = 7
    CERT_NOT_YET_VALID = 8
    REVOKED = 9
    # 5. the ACL (and: a sensitive data object's payload must be sealed)
    ROLE_NOT_ALLOWED = 10
    NOT_ENCRYPTED = 11
    # 6. target
    WRONG_TARGET = 12
    # 7. counter
    REPLAYED = 13
    # 8. validity window, by the device's clock
    COMMAND_EXPIRED = 14
    COMMAND_NOT_YET_VALID = 15
    # after every check: the sealed payload does not open with this device's key
    DECRYPT_FAILED = 16
    # verified, but this device cannot apply it (a payload it cannot use, a command it has
    # no use for): nothing applied
    NOT_APPLIED = 17
