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


def node_record(acc: object, origin: tuple[int, int], path: str) -> dict[str, object]:
    states = acc.getState()
    record: dict[str, object] = {
        "path": path,
        "role": acc.getRoleName(),
        "name": acc.name or "",
        "description": acc.description or "",
        "states": sorted(pyatspi.stateToString(s) for s in states.getStates()),
        "actions": [],
        "relations": [],
        "value": None,
        "text": "",
        "id": _accessible_id(acc),
    }
    try:
        comp = acc.queryComponent()
        x, y, w, h = comp.getExtents(pyatspi.DESKTOP_COORDS)
        record["extents"] = [x - origin[0], y - origin[1], w, h]
    except NotImplementedError:
        record["extents"] = None
    try:
        action = acc.queryAction()
        record["actions"] = [action.getName(i) for i in range(action.nActions)]
    except NotImplementedError:
        pass
    try:
        value = acc.queryValue()
        record["value"] = value.currentValue
    except NotImplementedError:
        pass
    try:
        text = acc.queryText()
        record["text"] = text.getText(0, min(text.characterCount, 500))
    except NotImplementedError:
        pass
    for rel in acc.getRelationSet():
        targets = [rel.getTarget(i) for i in range(rel.getNTargets())]
        record["relations"].append({
            "type": pyatspi.relationToString(rel.getRelationType()),
            "targets": [t.name for t in targets if t is not None],
        })
    try:
        table = acc.queryTable()
        record["table"] = {"rows": table.nRows, "columns": table.nColumns}
    except NotImplementedError:
        pass
    return record


def walk(window: object) -> list[dict[str, object]]:
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
        for i in range(acc.childCount):
            visit(acc.getChildAtIndex(i), f"{path}/{i}")

    visit(window, "0")
    return out


def _pressable(acc: object) -> bool:
    try:
        return acc.queryAction().nActions > 0 and acc.getRoleName() not in ("label", "filler")
    except NotImplementedError:
        return False


def find_control(window: object, names: list[str]) -> object | None:
    """First showing, pressable node named one of ``names`` (whatever its role: the walk
    must reach the screens before and after the roles change)."""
    return pyatspi.findDescendant(
        window, lambda a: a is not None and a.name in names
        and a.getState().contains(pyatspi.STATE_SHOWING) and _pressable(a), True)


def press(acc: object) -> None:
    action = acc.queryAction()
    for i in range(action.nActions):
        if action.getName(i).lower() in ("press", "click", "activate"):
            action.doAction(i)
            return
    action.doAction(0)


def settle(seconds: float) -> None:
    """Let the app re-render and Qt push its changes onto the bus."""
    time.sleep(seconds)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--step", action="append", default=[],
                   help="LABEL=NAME1|NAME2: press the control of that name, then walk as LABEL")
    p.add_argument("--out", required=True, help="where to write the JSON (the AT-SPI "
                   "registry daemon, started on demand, prints to the shared stdout)")
    p.add_argument("--first", default="start", help="label of the first walk")
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--settle", type=float, default=0.4)
    p.add_argument("command", nargs=argparse.REMAINDER)
    args = p.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    result: dict[str, object] = {"walks": {}, "errors": []}
    try:
        app = find_app(proc.pid, args.timeout)
        window = window_of(app, args.timeout)
        settle(args.settle * 3)
        walks: dict[str, object] = {}
        walks[args.first] = {"window": window.name, "nodes": walk(window)}
        for step in args.step:
            label, _, names = step.partition("=")
            control = find_control(window, names.split("|"))
            if control is None:
                result["errors"].append(f"{label}: no control named {names}")
                continue
            press(control)
            settle(args.settle)
            walks[label] = {"window": window.name, "nodes": walk(window)}
        result["walks"] = walks
    finally:
        proc.terminate()
        try:
            _out, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
        result["app_stderr"] = err.decode(errors="replace")[-4000:]
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(result, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
