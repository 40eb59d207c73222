"""Out-of-process AT-SPI walker: the view a screen reader (Orca) gets of a running app.

Runs under Debian's /usr/bin/python3 (python3-pyatspi), not the project's venv, inside the
D-Bus session the test made (dbus-run-session), on the test's Xvfb display. It starts the
app, waits for its window on the AT-SPI desktop, walks every showing node, presses the
navigation controls named on the command line to reach the other screens, and prints one
JSON document to --out. It judges nothing: the pytest side counts.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import pyatspi  # Debian python3-pyatspi

MAX_NODES = 3000


def find_app(pid: int, timeout: float) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            try:
                app = desktop.getChildAtIndex(i)
                if app is not None and app.get_process_id() == pid and app.childCount > 0:
                    return app
            except Exception:  # an app leaving the bus mid-walk
                continue
        time.sleep(0.1)
    raise SystemExit(f"walker: no accessible app with pid {pid} after {timeout:.0f} s")


def window_of(app: object, timeout: float) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for i in range(app.childCount):
            win = app.getChildAtIndex(i)
            if win is not None and win.getState().contains(pyatspi.STATE_SHOWING):
                return win
        time.sleep(0.1)
    raise SystemExit("walker: the app shows no window")


def _accessible_id(acc: object) -> str:
    """Qt's accessible identifier (built from the widgets' object or class names)."""
    try:
        return str(acc.get_accessible_id() or "")
    except Exception:
        return ""


# roles whose value or relations the audit reads; other nodes skip those D-Bus calls
VALUE_ROLES = {"scroll bar", "spin button", "slider", "progress bar"}
PLAIN_ROLES = {"label", "filler", "panel", "layered pane", "table cell",
               "table column header", "table row header", "list item"}


def node_record(acc: object, origin: tuple[int, int], path: str) -> dict[str, object]:
    """One node: what a screen reader reads of it. Each field is a D-Bus round trip, so a
    field is fetched only where the interface exists and the audit reads it."""
    role = acc.getRoleName()
    try:
        interfaces = set(acc.get_interfaces())
    except Exception:
        interfaces = set()
    record: dict[str, object] = {
        "path": path,
        "role": role,
        "name": acc.name or "",
        "description": acc.description or "",
        "states": sorted(pyatspi.stateToString(s) for s in acc.getState().getStates()),
        "actions": [],
        "relations": [],
        "value": None,
        "id": _accessible_id(acc),
        "extents": None,
    }
    if "Component" in interfaces:
        x, y, w, h = acc.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        record["extents"] = [x - origin[0], y - origin[1], w, h]
    if "Action" in interfaces and role not in PLAIN_ROLES:
        action = acc.queryAction()
        record["actions"] = [action.getName(i) for i in range(action.nActions)]
    if "Value" in interfaces and role in VALUE_ROLES:
        record["value"] = acc.queryValue().currentValue
    if "Table" in interfaces and role == "table":
        table = acc.queryTable()
        record["table"] = {"rows": table.nRows, "columns": table.nColumns}
    if role not in PLAIN_ROLES or role == "label":  # a label's "label for" counts too
        for rel in acc.getRelationSet():
            targets = [rel.getTarget(i) for i in range(rel.getNTargets())]
            record["relations"].append({
                "type": pyatspi.relationToString(rel.getRelationType()),
                "targets": [t.name for t in targets if t is not None],
            })
    return record


_count = [0]
_timings: list[float] = []


def walk(window: object) -> list[dict[str, object]]:
    _count[0] += 1
    began = time.monotonic()
    try:
        return _walk(window)
    finally:
        _timings.append(round(time.monotonic() - began, 2))


_objects: dict[str, object] = {}  # path -> accessible, of the latest walk


def _walk(window: object) -> list[dict[str, object]]:
    _objects.clear()
    comp = window.queryComponent()
    wx, wy, _w, _h = comp.getExtents(pyatspi.DESKTOP_COORDS)
    out: list[dict[str, object]] = []

    def visit(acc: object, path: str) -> None:
        if acc is None or len(out) >= MAX_NODES:
            return
        try:
            states = acc.getState()
        except Exception:
            return
        if not states.contains(pyatspi.STATE_SHOWING):
            return
        out.append(node_record(acc, (wx, wy), path))
        _objects[path] = acc
        for i in range(acc.childCount):
            visit(acc.getChildAtIndex(i), f"{path}/{i}")

    visit(window, "0")
    return out


def find_control(nodes: list[dict[str, object]], names: list[str]) -> object | None:
    """The first pressable node of the walk named one of ``names``, whatever its role (the
    walk must reach the screens before and after the roles change)."""
    for node in nodes:
        if node["name"] in names and node["actions"] and node["role"] not in PLAIN_ROLES:
            return _objects.get(str(node["path"]))
    return None


def press(acc: object) -> None:
    action = acc.queryAction()
    for i in range(action.nActions):
        if action.getName(i).lower() in ("press", "click", "activate"):
            action.doAction(i)
            return
    action.doAction(0)


def _signature(nodes: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(n["path"], n["role"], n["name"], n["description"], tuple(n["states"]))
            for n in nodes]


def _shape(nodes: list[dict[str, object]]) -> list[tuple[object, ...]]:
    """The tree's structure (paths and roles), not the text that ticks (the clock)."""
    return [(n["path"], n["role"]) for n in nodes]


def settled_walk(window: object, before: list[tuple[object, ...]] | None, pause: float,
                 tries: int = 20) -> list[dict[str, object]]:
    """Walk ``pause`` seconds after a press, again (up to ``tries`` times, 5 s and more on
    a loaded machine) while the tree is still the one from before the press, then once
    more, until two walks in a row have the same structure: on a busy host the first walk
    that differs could catch a screen half built (a table with some of its cells)."""
    nodes: list[dict[str, object]] = []
    for _ in range(tries):
        time.sleep(pause)
        nodes = walk(window)
        if before is None or _signature(nodes) != before:
            break
    for _ in range(tries):
        time.sleep(pause)
        again = walk(window)
        settled = _shape(again) == _shape(nodes)
        nodes = again
        if settled:
            break
    return nodes


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--step", action="append", default=[],
                   help="LABEL=NAME1|NAME2: press the control of that name, then walk as LABEL")
    p.add_argument("--out", required=True, help="where to write the JSON (the AT-SPI "
                   "registry daemon, started on demand, prints to the shared stdout)")
    p.add_argument("--first", default="start", help="label of the first walk")
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--pause", type=float, default=0.25,
                   help="seconds between a press and the walk after it")
    p.add_argument("--ready", default="",
                   help="NAME1|NAME2: the first walk waits until this control shows")
    p.add_argument("command", nargs=argparse.REMAINDER)
    args = p.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    result: dict[str, object] = {"walks": {}, "errors": []}
    try:
        started = time.monotonic()
        app = find_app(proc.pid, args.timeout)
        window = window_of(app, args.timeout)
        result["seconds_to_window"] = round(time.monotonic() - started, 2)
        walks: dict[str, object] = {}
        nodes = walk(window)
        if args.ready:  # the window is up before its content: wait for a known control
            deadline = time.monotonic() + args.timeout
            while (find_control(nodes, args.ready.split("|")) is None
                   and time.monotonic() < deadline):
                time.sleep(0.1)
                nodes = walk(window)
        result["seconds_to_ready"] = round(time.monotonic() - started, 2)
        # screens name their scroll bars just after they are built (base.TOUCH_SETUP_MS)
        nodes = settled_walk(window, None, 2 * args.pause)
        walks[args.first] = {"window": window.name, "nodes": nodes}
        for step in args.step:
            label, _, names = step.partition("=")
            control = find_control(nodes, names.split("|"))
            if control is None:
                result["errors"].append(f"{label}: no control named {names}")
                continue
            before = _signature(nodes)
            press(control)
            nodes = settled_walk(window, before, args.pause)
            walks[label] = {"window": window.name, "nodes": nodes}
        result["walks"] = walks
        result["walk_count"] = _count[0]
        result["walk_seconds"] = _timings
        result["seconds_total"] = round(time.monotonic() - started, 2)
    finally:
        proc.terminate()  # a temporary home: no need to wait for a tidy shutdown
        try:
            _out, err = proc.communicate(timeout=1)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
        result["app_stderr"] = err.decode(errors="replace")[-4000:]
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(result, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
