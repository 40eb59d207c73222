"""The installer's view of each device's certificate: issuer, role, expiry, trust anchor.

``check_certificates(gateway, entries)`` asks the gateway (``Gateway.certificate_summary``)
for every joined device that has a Tunneling server and flags one whose certificate does
not chain to the home's anchors: ``JobRunner`` then does not verify it, so it is never
reported as commissioned (``commission.run_job``). Devices without a Tunneling server (a
display) and gateways without an identity give no summary: nothing is flagged for them.
Not yet: the gas meter, asleep once paired (its certificate would be asked at its next
wake-up, through the gateway's queue for it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from han_home.shared.i18n import _
from han_home.shared.i18n.formatting import format_date_long


@dataclass(frozen=True)
class CertificateCheck:
    eui64: str
    summary: Any  # shared/han/certificates.CertificateSummary
    flagged: bool

    def lines(self) -> list[str]:
        """The certificate in plain words, translated when called."""
        s = self.summary
        out = [_("Certificate: %(holder)s, issued by %(issuer)s.") % {
            "holder": s.holder, "issuer": s.issuer}]
        out.append(_("Role: %(role)s. Valid until %(date)s.") % {
            "role": s.role or "-", "date": format_date_long(s.not_after.date())})
        if self.flagged:
            out.append(_("Not trusted (%(reason)s): do not commission this device.") % {
                "reason": s.problem})
        else:
            out.append(_("Trusted: chains to %(anchor)s.") % {"anchor": s.anchor})
        return out


async def check_certificates(gateway: Any, euis: list[str]) -> dict[str, CertificateCheck]:
    found: dict[str, CertificateCheck] = {}
    if getattr(gateway, "security", None) is None:
        return found
    for eui in euis:
        record = gateway.device(eui)
        if record is not None and str(record.role) == "gas":
            continue  # asleep after pairing (it wakes every 30 min): not asked here
        summary = await gateway.certificate_summary(eui)
        if summary is not None:
            found[eui] = CertificateCheck(eui, summary, flagged=not summary.chains)
    return found
