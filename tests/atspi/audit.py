"""Judging an AT-SPI walk (walker.py's JSON) the way a screen-reader user would notice.

* unnamed: an interactive or value-bearing node with no accessible name (Orca says only
  "button" or "scroll bar");
* fake check boxes: the check-box role on a control that is not a QCheckBox (Qt exposes a
  checkable QPushButton as a check box: "Now, check box, checked");
* English on the Welsh UI: a name identical in the English and the Welsh walk at the same
  place, unless the Welsh catalogue really translates it to the same words ("Tariff").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# Roles Orca treats as controls, plus those that carry a value or data.
INTERACTIVE = frozenset({
    "push button", "toggle button", "check box", "radio button", "combo box",
    "spin button", "slider", "scroll bar", "progress bar", "page tab", "page tab list",
    "menu item", "entry", "password text", "text", "list", "list box", "table", "tree",
    "tree table", "chart", "image", "radio menu item", "check menu item", "link",
})
WORD = re.compile(r"(?=[^\W\d_]*[^\W\d_A-Z])[^\W\d_]{3,}")  # a word, not "UTC"


def is_interactive(node: dict[str, Any]) -> bool:
    return node["role"] in INTERACTIVE or node.get("value") is not None


def unnamed(nodes: Iterable[dict[str, Any]]) -> list[str]:
    return [f"{n['role']} {n['id']}" for n in nodes
            if is_interactive(n) and not n["name"].strip()]


def fake_check_boxes(nodes: Iterable[dict[str, Any]]) -> list[str]:
    """Check-box role whose Qt identifier does not end in a QCheckBox (by class name) or an
    object name starting "check-"."""
    found = []
    for n in nodes:
        if n["role"] != "check box":
            continue
        last = n["id"].rsplit(".", 1)[-1]
        if last != "QCheckBox" and not last.startswith("check-"):
            found.append(f"{n['name']!r} {n['id']}")
    return found


def english_on_welsh(en: list[dict[str, Any]], cy: list[dict[str, Any]],
                     same_in_welsh: set[str], exempt: set[str]) -> list[str]:
    """Names (and descriptions) left in English on the Welsh UI, node by node (the two walks
    have the same tree: the language changes texts, not structure)."""
    english = {n["id"] + "#" + n["path"]: n for n in en}
    found = []
    for node in cy:
        twin = english.get(node["id"] + "#" + node["path"])
        if twin is None:
            continue
        for field in ("name", "description"):
            text = node[field].strip()
            if (text and text == twin[field].strip() and WORD.search(text)
                    and text not in same_in_welsh and text not in exempt):
                found.append(f"{field} {text!r} at {node['role']} {node['id']}")
    return found


def outside_window(nodes: Iterable[dict[str, Any]], width: int, height: int) -> int:
    """Showing nodes whose extents reach outside the window (scrolled out of view, or
    clipped): reported, not failed: a scroll area's content legitimately extends below."""
    count = 0
    for n in nodes:
        box = n.get("extents")
        if not box:
            continue
        x, y, w, h = box
        if x < 0 or y < 0 or x + w > width or y + h > height:
            count += 1
    return count


def summary(nodes: list[dict[str, Any]]) -> dict[str, int]:
    window = nodes[0]["extents"] or [0, 0, 0, 0]
    return {
        "nodes": len(nodes),
        "interactive": sum(is_interactive(n) for n in nodes),
        "unnamed": len(unnamed(nodes)),
        "fake_check_boxes": len(fake_check_boxes(nodes)),
        "outside_window": outside_window(nodes, window[2], window[3]),
    }
