"""The in-home display's Qt screens and widgets (window.py is the entry point)."""

from ihd_app.ui._none_refcount import make_none_immortal

make_none_immortal()  # PySide6 6.12 on Python 3.11: see _none_refcount.py
