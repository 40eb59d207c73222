"""The HAN client core: the gateway around zigpy, devices, Smart Energy clusters."""

from han_home.shared.han.deferred_imports import defer_imports

defer_imports()  # before zigpy is imported: see deferred_imports.py
