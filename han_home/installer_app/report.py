"""The commissioning report: one dict, written as JSON and as HTML (PDF via ui.pdf).

Plain Python (no Qt). The report never carries a secret: install codes and link keys are not
fields of it, and ``assert_no_secrets`` checks the finished text against the job's codes.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from han_home.installer_app.job import (
    LQI_MARGINAL,
    LQI_PASS,
    RSSI_MARGINAL,
    RSSI_PASS,
    DeviceEntry,
    Job,
    LinkVerdict,
    Stage,
    type_name,
)
from han_home.installer_app.verdict import Level, Verdict, judge
from han_home.installer_app.verdict_texts import level_text
from han_home.shared.i18n import _, current_language
from han_home.shared.i18n.formatting import format_date_long

SCHEMA = "han-home/installer-report/1"
LONDON = ZoneInfo("Europe/London")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _device(entry: DeviceEntry) -> dict[str, Any]:
    return {
        "eui64": entry.eui64,
        "type_entered": entry.entered_type.value,
        "type_read": entry.read_type.value if entry.read_type else None,
        "type_mismatch": entry.type_mismatch,
        "stage": entry.stage.value,
        "joined": entry.joined_at is not None,
        "configured": entry.stage in (Stage.CONFIGURED, Stage.VERIFIED),
        "verified": entry.stage == Stage.VERIFIED,
        "model": entry.model,
        "manufacturer": entry.manufacturer,
        "firmware": entry.firmware,
        "lqi": entry.lqi,
        "rssi": entry.rssi,
        "link": entry.verdict.value,
        "battery_pct": entry.battery_pct,
        "joined_at": _iso(entry.joined_at),
        "configured_at": _iso(entry.configured_at),
        "last_seen": _iso(entry.last_seen),
        "live_reading": entry.live_reading,
        "site_id": entry.site_id,
        "serial": entry.serial,
        "identify": entry.identify,
        "clock_offset_s": entry.clock_offset_s,
        "certificate": list(entry.certificate),
        "live_reading_at": _iso(entry.live_reading_at),
        "entered_by": entry.source,
    }


def build(job: Job, *, radio: str = "sim",
          diagnostics: dict[str, Any] | None = None, verdict: Verdict | None = None,
          unlisted_admitted: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """The report as plain data (the JSON file is exactly this). Its result is the job's
    one verdict (verdict.judge), the same the console and the GUI show."""
    verdict = verdict or judge(job, unlisted_admitted)
    refused: dict[str, dict[str, Any]] = {}
    for r in job.refused:  # one entry per device, its attempts counted (Job.note_refused)
        item = refused.setdefault(r.eui64, {"eui64": r.eui64, "attempts": 0, "reason": r.reason,
                                            "first_at": _iso(r.at), "lqi": r.lqi,
                                            "rssi": r.rssi})
        item["attempts"] += r.attempts
        item["last_at"] = _iso(r.last_at or r.at)
    listed = {d.eui64 for d in job.devices}
    return {
        "schema": SCHEMA,
        "site_ref": job.site_ref,
        "engineer_id": job.engineer_id,
        "started_at_utc": _iso(job.started_at),
        "started_at_local": _iso(job.started_at.astimezone(LONDON)),
        "radio": radio,
        "channel": job.channel,
        "window": {"opened_at": _iso(job.window_opened_at),
                   "closed_at": _iso(job.window_closed_at),
                   "end_reason": job.window_end_reason},
        "radio_interruptions": job.radio_interruptions,
        "mpan": job.mpan or None,
        "mprn": job.mprn or None,
        "result": verdict.level.value,
        "verdict": verdict.as_dict(),
        # the engineer's accepted held guards, each with its note and time (decisions.py)
        # (applied: false when a correction made the guard go away before it mattered)
        "decisions": [{**d.as_dict(), "applied": _applied(d, verdict)} for d in job.decisions],
        "thresholds": {"lqi_pass": LQI_PASS, "lqi_marginal": LQI_MARGINAL,
                       "rssi_pass_dbm": RSSI_PASS, "rssi_marginal_dbm": RSSI_MARGINAL},
        "devices": [_device(d) for d in job.devices],
        "refused_joiners": [
            {**v, "listed": v["eui64"] in listed} for v in refused.values()],
        "events": [{"at": _iso(e.at), "kind": e.kind, "eui64": e.eui64 or None,
                    "detail": e.detail or None} for e in job.log],
        "diagnostics": diagnostics or {},
        "secrets_wiped": job.secrets_wiped,
    }


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _verdict_text(verdict: str) -> str:
    return {LinkVerdict.PASS.value: _("Pass"), LinkVerdict.MARGINAL.value: _("Marginal"),
            LinkVerdict.FAIL.value: _("Fail")}.get(verdict, _("Not known"))


def _reason_text(reason: str) -> str:
    if reason == "wrong_key":
        return _("Listed, but its key did not match the install code entered")
    return _("Not on the device list")


def _local(moment: str | None) -> str:
    if not moment:
        return "—"
    when = datetime.fromisoformat(moment).astimezone(LONDON)
    return f"{format_date_long(when.date())} {when:%H:%M:%S}"


def _num(value: Any) -> str:
    return "—" if value is None else str(value)


# a device with no register to read (the in-home display) proves it answers with its Basic
# cluster's software build; the job keeps it language-neutral, as "sw_build_id 3.0.2"
FIRMWARE_ANSWER = "sw_build_id "


def unit_symbols(text: str) -> str:
    """A live reading as the engineer reads it: units as their symbols (readings travel as
    'm3', a report shows m³), a software build answer as the firmware version."""
    if text.startswith(FIRMWARE_ANSWER):
        # TRANSLATORS: a device's live answer during verification: its firmware version
        return _("Firmware %(version)s") % {"version": text[len(FIRMWARE_ANSWER):]}
    return text.replace(" m3", " m\u00b3")


def _offset(value: Any) -> str:
    """The meter's clock against the gateway's, e.g. "+3 s"; "—" when it gave no time."""
    return "—" if value is None else f"{int(value):+d} s"


def _battery(value: Any) -> str:
    return "—" if value is None else f"{value} %"


def identify_text(value: str) -> str:
    return {"confirmed": _("Yes"), "denied": _("No: not this meter")}.get(
        value, _("Not confirmed on site"))


def to_html(report: dict[str, Any], cards: bool = False) -> str:
    """A self-contained HTML page in the current language (every value escaped).

    ``cards``: each table row as a card of labelled lines (the GUI's preview at large
    text, where a 16-column table would scroll sideways); the files keep the tables."""
    e = html.escape
    lang = current_language()
    verdict = report["verdict"]
    result = level_text(Level(verdict["level"]))
    rows: list[list[Cell]] = []
    from han_home.installer_app.job import DeviceType

    for d in report["devices"]:
        # the type the device reported; what was entered only where it differs
        type_text = type_name(DeviceType(d["type_read"] or d["type_entered"]))
        if d["type_mismatch"] and d["type_read"]:
            type_text = _("%(read)s (entered as: %(entered)s)") % {
                "read": type_text, "entered": type_name(DeviceType(d["type_entered"]))}
        rows.append([_eui(d["eui64"]), *(_text(c) for c in (
            type_text, _num(d.get("model")), _num(d["firmware"]), _num(d.get("serial")),
            _num(d.get("site_id")), _battery(d.get("battery_pct")), _num(d["lqi"]),
            _num(d["rssi"]), _verdict_text(d["link"]), _local(d["joined_at"]),
            unit_symbols(_num(d["live_reading"])), _offset(d.get("clock_offset_s")),
            identify_text(d.get("identify", "")), " ".join(d.get("certificate") or []) or "—",
            _("Yes") if d["configured"] else _("No")))])
    refused_rows = [[_eui(r["eui64"]), *(_text(c) for c in (
        _reason_text(r["reason"]), r["attempts"], _num(r["lqi"]), _num(r["rssi"]),
        _local(r["first_at"])))] for r in report["refused_joiners"]]
    heads = [_("EUI-64"), _("Type (as the device reported)"), _("Model"), _("Firmware"),
             _("Serial number"), _("Premises (SiteID)"), _("Battery"), _("LQI"),
             _("RSSI (dBm)"), _("Link"), _("Joined (UK time)"), _("Live reading"),
             _("Clock offset"), _("Identify seen on site"), _("Certificate"), _("Configured")]
    refused_heads = [_("EUI-64"), _("Why refused"), _("Attempts"), _("LQI"), _("RSSI (dBm)"),
                     _("First attempt (UK time)")]
    t = report["thresholds"]
    thresholds = _("Link pass: LQI at least %(lqi_pass)d and RSSI at least %(rssi_pass)d dBm; "
                   "marginal: LQI at least %(lqi_marginal)d and RSSI at least %(rssi_marginal)d "
                   "dBm; otherwise fail.") % {
        "lqi_pass": t["lqi_pass"], "rssi_pass": t["rssi_pass_dbm"],
        "lqi_marginal": t["lqi_marginal"], "rssi_marginal": t["rssi_marginal_dbm"]}

    def table(head: list[str], body: list[list[Cell]], caption: str) -> str:
        if not body:
            return "<p>" + e(_("None.")) + "</p>"
        return _table_html(head, body, caption, cards)

    facts = [
        (_("Site reference"), report["site_ref"] or "—"),
        (_("Engineer"), report["engineer_id"] or "—"),
        (_("Started (UTC)"), report["started_at_utc"]),
        (_("Started (UK time)"), _local(report["started_at_utc"])),
        (_("MPAN"), report.get("mpan") or "—"),
        (_("MPRN"), report.get("mprn") or "—"),
        (_("Radio"), report["radio"]),
        (_("Channel"), _num(report.get("channel"))),
        (_("Result"), result),
    ]
    colour = {"pass": "#0a6b2d", "pass_with_warnings": "#8a5a00", "fail": "#a4161a"}[
        verdict["level"]]
    banner = (f"<div style='border:6px solid {colour};padding:12px;margin:12px 0'>"
              f"<p style='font-size:28pt;font-weight:bold;color:{colour};margin:0'>"
              f"{e(result)}</p>"
              + ("<ul>" + "".join(f"<li>{e(r['text'])}</li>" for r in verdict["reasons"])
                 + "</ul>" if verdict["reasons"] else "")
              + "</div>")
    title = _("Commissioning report")
    return (
        f"<!DOCTYPE html>\n<html lang='{e(lang)}'><head><meta charset='utf-8'>"
        + "<title>" + e(title) + "</title></head><body>"
        + "<h1>" + e(title) + "</h1>" + banner + "<dl>"
        + "".join(f"<dt>{e(k)}</dt><dd>{e(str(v))}</dd>" for k, v in facts)
        + "</dl><h2>" + e(_("Devices")) + "</h2>"
        + table(heads, rows, _("Devices on this home's network"))
        + f"<p>{e(thresholds)}</p>"
        + _decisions_html(report.get("decisions") or [], cards)
        + "<h2>" + e(_("Refused joiners")) + "</h2>"
        + table(refused_heads, refused_rows, _("Devices that tried to join and were refused"))
        + "</body></html>\n")


def _applied(decision: Any, verdict: Verdict) -> bool:
    from han_home.installer_app.decisions import matches

    return any(r.params.get("accepted_note") == decision.note and matches(decision, r)
               for r in verdict.reasons)


def _decisions_html(decisions: list[dict[str, Any]], cards: bool = False) -> str:
    """The guards the engineer accepted on site: what, for which device, why and when."""
    decisions = [d for d in decisions if d.get("applied", True)]
    if not decisions:
        return ""
    e = html.escape
    from han_home.installer_app.verdict_texts import guard_name

    heads = [_("Guard"), _("EUI-64"), _("Engineer’s note"), _("Accepted (UK time)")]
    rows = [[_text(guard_name(d["code"])), _eui(d["eui64"]), _text(d["note"]),
             _text(_local(d["at"]))] for d in decisions]
    return ("<h2>" + e(_("Guards accepted by the engineer")) + "</h2>"
            + _table_html(heads, rows, "", cards))


Cell = tuple[str, bool]  # a table cell's HTML (escaped) and whether it must not wrap


def _text(value: Any) -> Cell:
    return html.escape(str(value)), False


def _eui(eui64: str) -> Cell:
    # an EUI-64 is compared digit by digit with a label: never broken over two lines
    return f"<code>{html.escape(eui64)}</code>", True


def _table_html(head: list[str], rows: list[list[Cell]], caption: str, cards: bool) -> str:
    e = html.escape
    if cards:  # one bordered card per row: "Heading: value" lines
        return "".join(
            "<table border='1' cellpadding='6' cellspacing='0' width='100%'><tr><td>"
            + "<br/>".join(f"<b>{e(h)}:</b> " + (f"<span style='white-space:nowrap'>{c}</span>"
                                                  if nowrap else c)
                           for h, (c, nowrap) in zip(head, row, strict=True))
            + "</td></tr></table><p></p>" for row in rows)
    cells = ["<tr>" + "".join(f"<td style='white-space:nowrap'>{c}</td>" if nowrap
                              else f"<td>{c}</td>" for c, nowrap in row) + "</tr>"
             for row in rows]
    return ("<table border='1' cellpadding='4' cellspacing='0'>"
            + (f"<caption>{e(caption)}</caption>" if caption else "")
            + "<thead><tr>" + "".join(f"<th scope='col'>{e(h)}</th>" for h in head)
            + "</tr></thead><tbody>" + "".join(cells) + "</tbody></table>")


def secret_strings(codes_hex: list[str]) -> list[str]:
    """Spellings a secret could leak in: upper/lower hex, with and without separators."""
    out: list[str] = []
    for h in codes_hex:
        clean = "".join(c for c in h if c.isalnum())
        if not clean:
            continue
        for v in (clean.lower(), clean.upper()):
            out += [v, " ".join(v[i:i + 2] for i in range(0, len(v), 2)),
                    ":".join(v[i:i + 2] for i in range(0, len(v), 2))]
        out.append(repr(bytes.fromhex(clean)))
    return out


def find_secrets(text: str, codes_hex: list[str]) -> list[str]:
    return [s for s in secret_strings(codes_hex) if s in text]
