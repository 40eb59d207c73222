"""The in-home display's Qt screens and widgets (window.py is the entry point)."""

import han_home.shared.ui  # noqa: F401  (applies the PySide6 6.12 / Python 3.11 work-around first)
