"""The commissioning job: site, engineer, the device list and each device's progress.

Plain Python (no Qt). Secrets (install codes, link keys) live in ``Secret`` objects that
never show their bytes in ``str``/``repr`` and are wiped (zeroed) after the join window.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from han_home.installer_app.codes import (
    CodeError,
    Fault,
    FaultKind,
    QrLabel,
    install_code_bytes,
    link_key_of,
    looks_like_qr,
    normalise_eui64,
    parse_qr,
)
from han_home.shared.han.registry import Role
from han_home.shared.i18n import N_, _

if TYPE_CHECKING:  # the gateway (zigpy) loads only when a job runs: bad input is refused
    # in a fraction of a second (tests/cli/test_bad_input.py runs ~50 such starts)
    from han_home.shared.han.gateway import ExpectedDevice


class DeviceType(StrEnum):
    ELECTRICITY_METER = "electricity_meter"
    GAS_METER = "gas_meter"
    DISPLAY = "display"
    OTHER = "other"


TYPE_NAMES = {
    DeviceType.ELECTRICITY_METER: N_("Electricity meter"),
    DeviceType.GAS_METER: N_("Gas meter"),
    DeviceType.DISPLAY: N_("In-home display"),
    DeviceType.OTHER: N_("Other device"),
}
ROLE_OF_TYPE = {DeviceType.ELECTRICITY_METER: Role.ELECTRICITY, DeviceType.GAS_METER: Role.GAS,
                DeviceType.DISPLAY: Role.DISPLAY, DeviceType.OTHER: Role.OTHER}
TYPE_OF_ROLE = {v: k for k, v in ROLE_OF_TYPE.items()}
_TYPE_ALIASES = {"electricity": DeviceType.ELECTRICITY_METER, "esme": DeviceType.ELECTRICITY_METER,
                 "gas": DeviceType.GAS_METER, "gsme": DeviceType.GAS_METER,
                 "ihd": DeviceType.DISPLAY, "": DeviceType.OTHER}


def type_name(device_type: DeviceType) -> str:
    return _(TYPE_NAMES[device_type])


def parse_type(text: str | None, *, strict: bool = False) -> DeviceType:
    """The device type a label or list names; an unknown name is OTHER, or with ``strict``
    a ``CodeError`` (a device list must not turn a typo into "other device")."""
    key = (text or "").strip().lower().replace(" ", "_").replace("-", "_")
    if key in _TYPE_ALIASES:
        return _TYPE_ALIASES[key]
    try:
        return DeviceType(key)
    except ValueError:
        if strict:
            raise CodeError(Fault(FaultKind.TYPE_UNKNOWN, {"type": (text or "").strip()})
                            ) from None
        return DeviceType.OTHER


class Secret:
    """Bytes that must not leak: masked in str/repr/format, zeroed by ``wipe()``."""

    __slots__ = ("_buf",)

    def __init__(self, value: bytes) -> None:
        self._buf = bytearray(value)

    def reveal(self) -> bytes:
        if not self._buf:
            raise ValueError("secret was wiped")
        return bytes(self._buf)

    def wipe(self) -> None:
        for i in range(len(self._buf)):
            self._buf[i] = 0
        self._buf = bytearray()

    @property
    def wiped(self) -> bool:
        return not self._buf

    def __bool__(self) -> bool:
        return bool(self._buf)

    def __repr__(self) -> str:
        return "Secret(<hidden>)" if self._buf else "Secret(<wiped>)"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __reduce__(self):  # never pickled
        raise TypeError("a Secret cannot be pickled")


class Stage(StrEnum):
    LISTED = "listed"
    WAITING = "waiting"  # its join window is open
    JOINED = "joined"
    INTERVIEWED = "interviewed"
    CONFIGURED = "configured"
    CONFIG_FAILED = "config_failed"  # joined, but setting it up failed: retry it
    VERIFIED = "verified"
    NOT_JOINED = "not_joined"
    LEFT = "left"
    # its SiteID names other premises: never admitted as this home's, told to leave
    FOREIGN = "foreign"


class LinkVerdict(StrEnum):
    PASS = "pass"
    MARGINAL = "marginal"
    FAIL = "fail"
    UNKNOWN = "unknown"


# Link-quality thresholds (documented in the report). LQI 0-255 from the radio, RSSI dBm.
LQI_PASS, LQI_MARGINAL = 120, 60
RSSI_PASS, RSSI_MARGINAL = -80, -90


def link_verdict(lqi: int | None, rssi: int | None) -> LinkVerdict:
    if lqi is None and rssi is None:
        return LinkVerdict.UNKNOWN
    verdicts = []
    if lqi is not None:
        verdicts.append(LinkVerdict.PASS if lqi >= LQI_PASS else
                        LinkVerdict.MARGINAL if lqi >= LQI_MARGINAL else LinkVerdict.FAIL)
    if rssi is not None:
        verdicts.append(LinkVerdict.PASS if rssi >= RSSI_PASS else
                        LinkVerdict.MARGINAL if rssi >= RSSI_MARGINAL else LinkVerdict.FAIL)
    order = [LinkVerdict.FAIL, LinkVerdict.MARGINAL, LinkVerdict.PASS]
    return next(v for v in order if v in verdicts)


@dataclass
class DeviceEntry:
    eui64: str
    entered_type: DeviceType
    install_code: Secret | None  # None when the label gave the link key itself
    link_key: Secret
    source: str = "typed"  # typed | qr | csv
    stage: Stage = Stage.LISTED
    read_type: DeviceType | None = None  # what the device said it is, after joining
    model: str | None = None
    manufacturer: str | None = None
    firmware: str | None = None
    lqi: int | None = None
    rssi: int | None = None
    joined_at: datetime | None = None
    configured_at: datetime | None = None
    last_seen: datetime | None = None
    battery_pct: int | None = None
    live_reading: str | None = None  # e.g. "12,345.678 kWh" (kept language-neutral)
    live_reading_at: datetime | None = None
    config_error: str = ""  # why setting the device up failed (Stage.CONFIG_FAILED)
    site_id: str | None = None  # the meter's SiteID (MPAN core / MPRN) as it gave it
    serial: str | None = None  # the meter's serial number, to compare with its case
    identify: str = "not_confirmed"  # confirmed | denied | not_confirmed (on site)
    identify_sent: bool | None = None  # the device said it is showing its identify signal
    # the meter's clock minus the gateway's, seconds (from the time it stamps its price
    # publication); None when the meter gave no time
    clock_offset_s: int | None = None
    # the device's certificate in plain words (certificate_check.CertificateCheck.lines()):
    # holder and issuer, role and expiry, the trust anchor or why it is not trusted
    certificate: tuple[str, ...] = ()

    @property
    def type_mismatch(self) -> bool:
        return (self.read_type is not None and self.entered_type != DeviceType.OTHER
                and self.read_type != self.entered_type)

    @property
    def verdict(self) -> LinkVerdict:
        return link_verdict(self.lqi, self.rssi)

    def expected(self) -> ExpectedDevice:
        from han_home.shared.han.gateway import ExpectedDevice

        return ExpectedDevice(self.eui64, self.link_key.reveal(), ROLE_OF_TYPE[self.entered_type])

    def wipe(self) -> None:
        if self.install_code is not None:
            self.install_code.wipe()
        self.link_key.wipe()


class DuplicateError(CodeError):
    pass


@dataclass
class RefusedJoiner:
    eui64: str
    at: datetime
    lqi: int | None
    rssi: int | None
    reason: str  # not_listed | wrong_key
    attempts: int = 1  # a refused device retries every few seconds: counted, not listed
    last_at: datetime | None = None
    mains: bool | None = None  # mains powered (electricity meter, display) or a sleepy one


@dataclass
class LogEntry:
    at: datetime
    kind: str  # joined interviewed configured left refused radio window ...
    eui64: str = ""
    detail: str = ""
    lqi: int | None = None  # the link of the frame, where it matters (a refused attempt)
    rssi: int | None = None


@dataclass
class Job:
    site_ref: str = ""
    engineer_id: str = ""
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    devices: list[DeviceEntry] = field(default_factory=list)
    refused: list[RefusedJoiner] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)
    window_opened_at: datetime | None = None
    window_closed_at: datetime | None = None
    window_end_reason: str | None = None  # all_joined | expired | closed | radio_lost
    radio_interruptions: int = 0
    channel: int | None = None
    mpan: str = ""  # the premises' MPAN core (13 digits) and MPRN (6-10): the meters'
    mprn: str = ""  # SiteIDs must match them
    # listed EUI-64 -> the refused one a typing slip away; that entry keeps its key until
    # the engineer corrects it (or the job ends), every other key is wiped with the window
    corrections: dict[str, str] = field(default_factory=dict)
    # the engineer's accepted held guards (decisions.Decision), each with its note and time
    decisions: list[Any] = field(default_factory=list)

    # ---- device list ------------------------------------------------------------
    def __iter__(self) -> Iterator[DeviceEntry]:
        return iter(self.devices)

    def find(self, eui64: str) -> DeviceEntry | None:
        return next((d for d in self.devices if d.eui64 == eui64), None)

    def check_duplicate(self, eui64: str, link_key: bytes | None = None,
                        ignore: DeviceEntry | None = None) -> Fault | None:
        for row, entry in enumerate(self.devices, start=1):
            if entry is ignore:
                continue
            if entry.eui64 == eui64:
                return Fault(FaultKind.DUPLICATE_EUI, {"eui64": eui64, "row": row})
            if link_key is not None and entry.link_key and entry.link_key.reveal() == link_key:
                return Fault(FaultKind.DUPLICATE_CODE, {"eui64": entry.eui64, "row": row})
        return None

    def add_typed(self, eui64: str, install_code: str,
                  device_type: DeviceType = DeviceType.OTHER, source: str = "typed"
                  ) -> DeviceEntry:
        """Add a device from its EUI-64 and install code; raises ``CodeError`` (exact fault)."""
        eui = normalise_eui64(eui64)
        code = install_code_bytes(install_code)
        return self._add(eui, code, link_key_of(code), device_type, source)

    def add_qr(self, payload: str, device_type: DeviceType = DeviceType.OTHER) -> DeviceEntry:
        label = parse_qr(payload)
        return self._add(label.eui64, label.install_code, label.link_key, device_type, "qr")

    def add_any(self, text: str, device_type: DeviceType = DeviceType.OTHER) -> DeviceEntry:
        """One scan: a QR payload (any known format)."""
        return self.add_qr(text, device_type)

    def _add(self, eui: str, code: bytes | None, key: bytes, device_type: DeviceType,
             source: str) -> DeviceEntry:
        fault = self.check_duplicate(eui, key)
        if fault is not None:
            raise DuplicateError(fault)
        entry = DeviceEntry(eui, device_type, Secret(code) if code is not None else None,
                            Secret(key), source)
        self.devices.append(entry)
        return entry

    def remove(self, eui64: str) -> None:
        entry = self.find(eui64)
        if entry is not None:
            entry.wipe()
            self.devices.remove(entry)

    def wipe_secrets(self, keep: frozenset[str] = frozenset()) -> None:
        for entry in self.devices:
            if entry.eui64 not in keep:
                entry.wipe()
        if not keep:
            self.corrections.clear()

    @property
    def secrets_wiped(self) -> bool:
        return all(d.link_key.wiped and (d.install_code is None or d.install_code.wiped)
                   for d in self.devices)

    def note_refused(self, eui64: str, at: datetime, lqi: int | None, rssi: int | None,
                     reason: str, mains: bool | None = None) -> bool:
        """Count a refused join attempt; True on the device's first (for this reason), which
        is the only one that goes into the log (a neighbour retrying for the whole window
        is one line with a count, not thousands)."""
        for r in self.refused:
            if r.eui64 == eui64 and r.reason == reason:
                r.attempts += 1
                r.last_at = at
                r.lqi = lqi if lqi is not None else r.lqi
                r.rssi = rssi if rssi is not None else r.rssi
                return False
        self.refused.append(RefusedJoiner(eui64, at, lqi, rssi, reason, 1, at, mains))
        return True

    def add_log(self, at: datetime, kind: str, eui64: str = "", detail: str = "",
                lqi: int | None = None, rssi: int | None = None) -> None:
        self.log.append(LogEntry(at, kind, eui64, detail, lqi, rssi))


@dataclass
class CsvProblem:
    line: int
    fault: Fault

    def message(self) -> str:
        return _("Line %(line)d: %(problem)s") % {"line": self.line,
                                                   "problem": self.fault.message()}


CSV_FIELD_LIMIT = 4096  # a label's longest field is a QR payload of about 100 characters


def _check_qr_agrees(row: dict[str, str], label: QrLabel) -> None:
    """A row with a qr column and an eui64 or install_code column: they must agree (the
    QR must not silently win over what the engineer typed)."""
    eui = row.get("eui64", "")
    if eui:
        typed = normalise_eui64(eui)
        if typed != label.eui64:
            raise CodeError(Fault(FaultKind.QR_EUI_DISAGREES,
                                  {"eui64": typed, "qr_eui64": label.eui64}))
    code = row.get("install_code", "")
    if code:
        typed_code = install_code_bytes(code)
        same = (typed_code == label.install_code if label.install_code is not None
                else link_key_of(typed_code) == label.link_key)
        if not same:
            raise CodeError(Fault(FaultKind.QR_CODE_DISAGREES))


_COLUMN_ALIASES = {"eui64": "eui64", "eui": "eui64", "installcode": "install_code",
                   "code": "install_code", "type": "type", "devicetype": "type", "qr": "qr",
                   "mpan": "mpan", "mprn": "mprn", "home": "home"}


def column_key(name: str | None) -> str:
    """A column name as written any way ("Install Code", "install-code", "EUI-64")."""
    raw = (name or "").strip().lower()
    squashed = "".join(c for c in raw if c.isalnum())
    return _COLUMN_ALIASES.get(squashed, raw)


def _note_premises(job: Job, row: dict[str, str]) -> None:
    """A meter's row may carry the premises' MPAN / MPRN (``labels`` prints them)."""
    from han_home.installer_app.premises_input import merge_premises, premises_problem

    for kind in ("mpan", "mprn"):
        value = row.get(kind, "")
        if not value:
            continue
        fault = premises_problem(kind, value)
        if fault is not None:
            raise CodeError(fault)
        setattr(job, kind, merge_premises(kind, getattr(job, kind), value))


def load_devices_csv(text: str, job: Job) -> list[CsvProblem]:
    """Add the devices of a CSV (columns eui64, install_code, type; or qr, type) to ``job``.

    Returns the problems, one per bad line; good lines are still added. A row with both a qr
    column and typed columns must agree with itself; an unknown type is a problem.
    """
    problems: list[CsvProblem] = []
    first_line = text.split("\n", 1)[0]
    # a spreadsheet saved in a comma-decimal locale separates with ";"
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    limit = csv.field_size_limit()
    csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        try:
            names = reader.fieldnames or []
        except csv.Error:
            return [CsvProblem(1, Fault(FaultKind.NOT_CSV))]
        fields = {column_key(f) for f in names}
        if not ("qr" in fields or {"eui64", "install_code"} <= fields):
            return [CsvProblem(1, Fault(FaultKind.NO_COLUMNS))]
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                kind = (FaultKind.FIELD_TOO_LONG if "field larger" in str(exc)
                        else FaultKind.NOT_CSV)
                # the broken line is the one after the last line read whole
                problems.append(CsvProblem(reader.line_num + 1,
                                           Fault(kind, {"limit": CSV_FIELD_LIMIT})))
                break  # the reader cannot resync after a broken field
            line = reader.line_num
            row = {column_key(k): (v if isinstance(v, str) else "").strip()
                   for k, v in row.items()}
            if not any(row.values()):
                continue
            try:
                device_type = parse_type(row.get("type"), strict=True)
                qr = row.get("qr", "")
                if "qr" in fields and qr:
                    label = parse_qr(qr)
                    _check_qr_agrees(row, label)
                    job.add_qr(qr, device_type)
                elif looks_like_qr(row.get("install_code", "")):
                    job.add_qr(row["install_code"], device_type)
                else:
                    job.add_typed(row.get("eui64", ""), row.get("install_code", ""),
                                  device_type, source="csv")
                _note_premises(job, row)
            except CodeError as exc:
                problems.append(CsvProblem(line, exc.fault))
    finally:
        csv.field_size_limit(limit)
    return problems


def devices_from_rows(rows: Iterable[tuple[str, str, str]]) -> Job:
    job = Job()
    for eui, code, kind in rows:
        job.add_typed(eui, code, parse_type(kind))
    return job
