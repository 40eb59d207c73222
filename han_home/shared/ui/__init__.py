"""Qt widgets, themes and accessibility helpers both apps use."""

from han_home.shared.ui.pyside_imports import lighten_pyside_import_scan

lighten_pyside_import_scan()  # no-op until PySide6 is imported; see pyside_imports.py
