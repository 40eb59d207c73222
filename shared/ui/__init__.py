"""Qt widgets, themes and accessibility helpers both apps use."""

from shared.ui._none_refcount import make_none_immortal

make_none_immortal()  # PySide6 6.12 on Python 3.11: see _none_refcount.py
