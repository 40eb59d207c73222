"""The out-of-process AT-SPI walk: each app under Xvfb on its own AT-SPI bus, walked with
pyatspi as Orca sees it, every IHD screen in English and Welsh and every installer page.

One app start per app and language; the walker presses the navigation (by its accessible
name, in that language) to reach each screen. Marked ``atspi`` (``-m atspi`` selects it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from han_home.ihd_app.settings import SCREENS
from han_home.shared.i18n.catalog import LANGUAGES, Translator
from tests.atspi import audit
from tests.atspi.harness import missing_tools, shared_walk, walk_app

pytestmark = pytest.mark.atspi

TABLE_VIEW = "usage-table"
WALKS = [*SCREENS[:2], TABLE_VIEW, *SCREENS[2:]]
INSTALLER_PAGES = 7  # han_home.installer_app.ui.pages.PAGES (not imported: no Qt needed here)
INSTALLER_TABLE_VIEW = "page7-table"
INSTALLER_WALKS = [*(f"page{i + 1}" for i in range(INSTALLER_PAGES)), INSTALLER_TABLE_VIEW]


@cache
def _translator() -> Translator:
    return Translator()


def _titles(language: str) -> dict[str, str]:
    catalog = _translator().catalog(language)
    return {key: catalog.pgettext("screen", key.capitalize()) for key in SCREENS}


def _same_in_welsh() -> set[str]:
    """Welsh catalogue entries whose Welsh is the English ("Tariff", "Cost", "kWh")."""
    catalog = _translator().catalog("cy")
    same: set[str] = set()
    for message in getattr(catalog, "_catalog", {}).items():
        key, value = message
        msgid = key[1] if isinstance(key, tuple) else key
        msgid = msgid.split("\x04", 1)[-1] if isinstance(msgid, str) else msgid
        if isinstance(msgid, str) and msgid == value:
            same.add(value)
    return same


# set by the session fixture below: a folder every xdist worker of this run shares
SHARED: list[Path] = []


def _folder() -> Path | None:
    return SHARED[0] if SHARED else None


@cache
def _ihd_walk(language: str) -> dict[str, Any]:
    titles = _titles(language)
    steps = []
    for key in SCREENS[1:]:
        steps.append(f"{key}={titles[key]}")
        if key == "usage":  # the chart's table alternative, then on to the next screen
            steps.append(f"{TABLE_VIEW}={_translator().catalog(language).gettext('Show as table')}")
    return shared_walk(_folder(), f"ihd-{language}", lambda: walk_app(
        ["ihd-app", "--lang", language, "--size", "800x480", "--screen", "now",
         "--db", str(_gateway_history(language))], steps, first="now"))


def _gateway_history(name: str) -> Path:
    """An empty history database of a gateway, which the display shows read-only: today's
    half-hours before the display started have nothing stored, whatever the host's speed
    (a display's own first start reads the meter's 13 months back, and on a quick host it
    had filled today before the walk reached the chart: no half-hour said "no data")."""
    import tempfile

    from han_home.shared.store.history import APP_ID_GATEWAY, HistoryStore

    folder = _folder() or Path(tempfile.mkdtemp(prefix="atspi-"))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"gateway-{name}.db"  # one per walk: the walks start at once
    path.unlink(missing_ok=True)
    HistoryStore(path, owner=APP_ID_GATEWAY).close()
    return path


@cache
def _ihd_now_walk_1024(language: str) -> dict[str, Any]:
    """Now alone at the larger kiosk size, 1024x600, on an empty gateway history as the
    800x480 walk (a first start's 13-month backfill took the app ~1.4 CPU-s while it was
    walked, and how far it got decided what Now showed)."""
    return shared_walk(_folder(), f"ihd-now-1024-{language}", lambda: walk_app(
        ["ihd-app", "--lang", language, "--size", "1024x600", "--screen", "now",
         "--db", str(_gateway_history(f"1024-{language}"))], [], first="now"))


@cache
def _installer_walk(language: str) -> dict[str, Any]:
    catalog = _translator().catalog(language)
    steps = [f"page{i + 1}={catalog.gettext('Next')}" for i in range(1, INSTALLER_PAGES)]
    # the diagnostics chart's table view
    steps.append(f"{INSTALLER_TABLE_VIEW}={catalog.gettext('Show as table')}")
    return shared_walk(_folder(), f"installer-{language}", lambda: walk_app(
        ["installer-app", "--lang", language], steps, first="page1"))


@cache
def _installer_walk_200(language: str) -> dict[str, Any]:
    """The installer at 200 % text on the kiosk-size 800x480: steps as a row of numbers,
    tables as cards (han_home/installer_app/ui/window.py, widgets.CardTable)."""
    catalog = _translator().catalog(language)
    steps = [f"page{i + 1}={catalog.gettext('Next')}" for i in range(1, INSTALLER_PAGES)]
    return shared_walk(_folder(), f"installer-200-{language}", lambda: walk_app(
        ["installer-app", "--lang", language, "--size", "800x480", "--text-scale", "2"],
        steps, first="page1"))


@pytest.fixture(scope="session", autouse=True)
def _shared_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    # under xdist each worker's basetemp is popen-gwN inside one folder for the run
    base = tmp_path_factory.getbasetemp()
    SHARED[:] = [(base.parent if base.name.startswith("popen-gw") else base) / "atspi-walks"]


@pytest.fixture(scope="module", autouse=True)
def _tools(_shared_folder: None) -> Iterator[None]:
    missing = missing_tools()
    assert not missing, "the AT-SPI walk needs: " + ", ".join(missing) + " (.ci/run installs them)"
    # All four walks at once, in the background: each mostly waits (an app starting, Qt
    # answering over D-Bus), so together they take about as long as the longest. A test
    # that needs one blocks on its lock (harness.shared_walk) until it is written.
    threads = [threading.Thread(target=_quietly, args=(walk, language), daemon=True)
               for walk in (_ihd_walk, _installer_walk, _ihd_now_walk_1024)
               for language in LANGUAGES]
    threads.append(threading.Thread(target=_quietly, args=(_installer_walk_200, "cy"),
                                    daemon=True))
    for thread in threads:
        thread.start()
    yield
    for thread in threads:  # no app or Xvfb outlives the module, even after a failure
        thread.join(timeout=90)


def _quietly(walk: Callable[[str], dict[str, Any]], language: str) -> None:
    try:
        walk(language)
    except Exception:  # the test that needs this walk does it again and reports the error
        pass


def _problems(walk: dict[str, Any]) -> dict[str, list[str]]:
    return {label: audit.unnamed(w["nodes"]) + audit.fake_check_boxes(w["nodes"])
            for label, w in walk["walks"].items()}


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_ihd_every_screen_names_its_controls_with_the_right_roles(language: str) -> None:
    walk = _ihd_walk(language)
    assert walk["errors"] == []
    assert list(walk["walks"]) == WALKS
    titles = _titles(language)
    for key, screen in walk["walks"].items():
        key = "usage" if key == TABLE_VIEW else key
        # the walk really reached that screen: its title heads the window
        assert any(n["role"] == "label" and n["name"] == titles[key]
                   for n in screen["nodes"][:3]), key
    assert _problems(walk) == {key: [] for key in WALKS}


def test_ihd_navigation_is_a_tab_list_with_the_screen_on_view_selected() -> None:
    walk = _ihd_walk("en")
    titles = _titles("en")
    for key, screen in walk["walks"].items():
        key = "usage" if key == TABLE_VIEW else key
        tabs = [n for n in screen["nodes"] if n["role"] == "page tab"]
        assert [t["name"] for t in tabs] == [titles[k] for k in SCREENS]
        assert [t["name"] for t in tabs if "selected" in t["states"]] == [titles[key]]
        lists = [n for n in screen["nodes"] if n["role"] == "page tab list"]
        assert len(lists) == 1 and lists[0]["name"], key


def test_ihd_usage_choices_are_named_radio_groups_and_the_chart_a_table() -> None:
    walks = _ihd_walk("en")["walks"]
    usage = walks["usage"]["nodes"]
    by_path = {n["path"]: n for n in usage}
    radios = [n for n in usage if n["role"] == "radio button"]
    assert {"Electricity", "Gas", "Last 8 days", "Energy (kWh)"} <= {r["name"] for r in radios}
    # each radio sits in a named grouping (Qt has no "member of" relation to give)
    # (Qt's grouping role reaches AT-SPI as a panel, which Orca reads by name on entry)
    parents = [by_path[r["path"].rsplit("/", 1)[0]] for r in radios]
    assert {p["role"] for p in parents} == {"panel"}
    assert {p["name"] for p in parents} == {"Fuel", "Period", "Measure", "How long it runs"}
    groups = {p["path"] for p in parents}
    assert sum("checked" in r["states"] for r in radios) == len(groups)  # one chosen in each
    chart = [n for n in usage if n["role"] == "chart"]
    assert chart and chart[0]["name"] == "Electricity usage chart"
    assert chart[0]["description"].startswith("Today by half-hour.")
    # a half-hour with nothing stored is read as no data, never as 0.00 kWh
    assert "0.00 kWh" not in chart[0]["description"]
    assert "no data." in chart[0]["description"]
    # each value tile's figure is labelled by its caption
    now = walks["now"]["nodes"]
    power = [n for n in now if n["role"] == "label" and n["name"] == "Power now"]
    assert any(r["type"] == "label for" for r in power[0]["relations"])
    figures = [n for n in now if any(r["type"] == "labelled by" and "Power now" in r["targets"]
                                     for r in n["relations"])]
    assert len(figures) == 1 and figures[0]["role"] == "label"
    assert [n for n in usage if n["role"] == "scroll bar"]
    assert all(n["name"] for n in usage if n["role"] == "scroll bar")
    # the table alternative: a row per half-hour of today, period and value, walkable cell
    # by cell (46 or 50 on the days the clocks change)
    table_view = walks[TABLE_VIEW]["nodes"]
    tables = [n for n in table_view if n["role"] == "table"]
    assert [t["name"] for t in tables] == ["Electricity usage chart, as a table"]
    assert tables[0]["table"]["columns"] == 2 and tables[0]["table"]["rows"] in (46, 48, 50)
    headers = [n["name"] for n in table_view if n["role"] == "table column header"]
    assert headers == ["Period", "Value"]
    cells = [n["name"] for n in table_view if n["role"] == "table cell"]
    assert cells and len(cells) % 2 == 0 and "No data yet" in cells[1::2]


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_installer_every_page_names_its_controls(language: str) -> None:
    walk = _installer_walk(language)
    assert walk["errors"] == []
    assert list(walk["walks"]) == INSTALLER_WALKS
    assert _problems(walk) == {label: [] for label in INSTALLER_WALKS}


def test_installer_steps_are_selectable_and_the_diagnostics_chart_has_a_table() -> None:
    walks = _installer_walk("en")["walks"]
    for i in range(INSTALLER_PAGES):
        steps = [n for n in walks[f"page{i + 1}"]["nodes"] if n["role"] == "list item"]
        assert len(steps) == INSTALLER_PAGES
        # the step on view is the selected one: "2. Devices, selected"
        assert [n["states"].count("selected") for n in steps] == [
            int(j == i) for j in range(INSTALLER_PAGES)]
    diagnostics = walks["page7"]["nodes"]
    chart = [n for n in diagnostics if n["role"] == "chart"]
    assert [c["name"] for c in chart] == ["Channel energy scan"]
    assert chart[0]["description"] == "No scan yet."
    tables = [n for n in walks[INSTALLER_TABLE_VIEW]["nodes"] if n["role"] == "table"]
    assert "Channel energy scan, as a table" in [t["name"] for t in tables]
    devices = [n for n in walks["page2"]["nodes"] if n["role"] == "table"]
    assert [d["name"] for d in devices] == ["Device list"]
    headers = [n["name"] for n in walks["page2"]["nodes"] if n["role"] == "table column header"]
    assert headers[0] == "EUI-64" and len(headers) == devices[0]["table"]["columns"]


@pytest.mark.parametrize("app", ["ihd", "installer"])
def test_the_welsh_ui_speaks_welsh(app: str) -> None:
    walks = {lang: (_ihd_walk if app == "ihd" else _installer_walk)(lang) for lang in LANGUAGES}
    same = _same_in_welsh()
    exempt = set(LANGUAGES.values())  # the language switch names each language in itself
    left = {label: audit.english_on_welsh(walks["en"]["walks"][label]["nodes"], w["nodes"],
                                          same, exempt)
            for label, w in walks["cy"]["walks"].items()}
    assert left == {label: [] for label in walks["cy"]["walks"]}


def test_every_showing_node_has_extents_inside_the_screen() -> None:
    """Extents are recorded for every showing node, relative to the window: a control a
    screen reader announces is where the screen shows it (never at 0,0 or off the display)."""
    for walk in (_ihd_walk("en"), _installer_walk("en")):
        for screen in walk["walks"].values():
            nodes = screen["nodes"]
            width, height = nodes[0]["extents"][2:]
            assert (width, height) == ((800, 480) if walk is _ihd_walk("en") else (width, height))
            assert width > 0 and height > 0
            # (a table's unnamed corner panel has no component: Qt gives it no geometry)
            controls = [n for n in nodes if audit.is_interactive(n) or n["name"]]
            assert all(n["extents"] is not None for n in controls)
            for n in controls:
                x, y, w, h = n["extents"]
                assert w > 0 and h > 0, n
                assert 0 <= x < width and y >= 0, n  # inside the window (may scroll below)


@pytest.mark.parametrize("size", ["800x480", "1024x600"])
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_ihd_home_screen_holds_every_node_inside_the_window(language: str, size: str) -> None:
    """Now does not scroll at the kiosks' 800x480 or 1024x600: every node a screen reader
    can reach on it lies inside the window (the other screens may scroll their lists)."""
    walk = _ihd_walk(language) if size == "800x480" else _ihd_now_walk_1024(language)
    now = walk["walks"]["now"]["nodes"]
    window = now[0]["extents"]
    assert window[2:] == [int(v) for v in size.split("x")], window
    assert audit.outside_window(now, window[2], window[3]) == 0
    assert len(now) > 20  # the walk reached the screen's cards, not only the window


def test_installer_at_200_percent_on_800x480_keeps_its_names_and_roles() -> None:
    """Welsh, 200 % text, 800x480: the step row of numbers is still the list of steps
    named in full ("2. Dyfeisiau", the one on view selected), the device list is still
    the table of that name, nothing is unnamed, and nothing lies beyond the window's
    sides (a page may scroll down, never sideways)."""
    walk = _installer_walk_200("cy")
    assert walk["errors"] == []
    assert list(walk["walks"]) == [f"page{i + 1}" for i in range(INSTALLER_PAGES)]
    assert _problems(walk) == {label: [] for label in walk["walks"]}
    catalog = _translator().catalog("cy")
    titles = [catalog.gettext(t) for t in ("1. Job", "2. Devices", "3. Pair", "4. Configure",
                                           "5. Verify", "6. Report", "Diagnostics")]
    for i, (label, screen) in enumerate(walk["walks"].items()):
        nodes = screen["nodes"]
        steps = [n for n in nodes if n["role"] == "list item"]
        assert [n["name"] for n in steps] == titles, label
        assert [n["states"].count("selected") for n in steps] == [
            int(j == i) for j in range(INSTALLER_PAGES)], label
        width = nodes[0]["extents"][2]
        assert width == 800
        for n in nodes:
            if n.get("extents") and (audit.is_interactive(n) or n["name"]):
                x, _y, w, _h = n["extents"]
                assert 0 <= x and x + w <= width, (label, n["role"], n["name"], n["extents"])
    devices = [n for n in walk["walks"]["page2"]["nodes"] if n["role"] == "table"]
    assert [d["name"] for d in devices] == ["Rhestr dyfeisiau"]
