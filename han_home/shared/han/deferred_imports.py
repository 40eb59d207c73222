"""zigpy's firmware-download dependencies, imported only if a download is ever made.

zigpy.ota.providers imports aiohttp (an HTTP client, with yarl, multidict, ...) and
jsonschema (with referencing, rpds, ...) at module level, though it uses them only inside
the functions that fetch firmware indexes from the internet. The gateway never enables
those providers (CONF_OTA_ENABLED is off), yet the two packages cost a kiosk ~15 MiB of
memory and ~0.1 s of start-up. ``defer_imports()`` puts a placeholder module under each
name: an ``import aiohttp`` binds the placeholder, and the first attribute looked up on it
imports the real package and answers from it, so code that does use them still works.

importlib.util.LazyLoader cannot do this on Python 3.11: the second ``import`` statement
for a lazy module already reads its ``__spec__`` and loads it.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

OTA_DOWNLOAD_MODULES = ("aiohttp", "jsonschema")
# zigpy's device database (with aiosqlite, ~1.7 MiB): zigpy.application imports it at
# module level but uses it only when a database file is configured, which the gateway
# does not do for the virtual home (it loads, as any placeholder does, when one is)
ZIGPY_DATABASE_MODULES = ("zigpy.appdb",)
# zigpy's ZCL cluster modules that no virtual-home device carries: its meters, display and
# neighbours have general clusters (Basic, Identify, Time, ...) and Smart Energy ones only.
# zigpy.zcl.clusters imports all fourteen; these nine hold ~2.5 MiB of classes and enums.
UNUSED_BY_VIRTUAL_HOME = ("closures", "homeautomation", "hvac", "lighting", "lightlink",
                          "manufacturer_specific", "measurement", "protocol", "wwah")


class _Deferred(types.ModuleType):
    """Stands in for a module until one of its attributes is needed."""

    def __getattr__(self, attr: str) -> Any:  # only for what the placeholder lacks
        if attr.startswith("__") and attr.endswith("__") and attr not in ("__path__", "__all__"):
            # introspection (inspect.unwrap's __wrapped__, PySide6's import hook) must not
            # load the module; a package's __path__ and __all__ are its real contents
            raise AttributeError(attr)
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        return getattr(importlib.import_module(name), attr)


def defer_imports(names: tuple[str, ...] = OTA_DOWNLOAD_MODULES + ZIGPY_DATABASE_MODULES
                  ) -> None:
    """Placeholders for modules not imported yet (and installed); safe to call again."""
    for name in names:
        if name in sys.modules or importlib.util.find_spec(name) is None:
            continue
        placeholder = _Deferred(name)
        placeholder.__file__ = None  # answered here: looking it up must not load the module
        sys.modules[name] = placeholder
        parent, _, child = name.rpartition(".")
        if parent in sys.modules:  # `import a.b` then `a.b.x` looks it up on the package
            setattr(sys.modules[parent], child, placeholder)


def defer_zigpy_clusters(names: tuple[str, ...] = UNUSED_BY_VIRTUAL_HOME) -> bool:
    """Placeholders for zigpy cluster modules, before zigpy.zcl.clusters is first imported;
    for the virtual home only, whose devices' clusters are all known. zigpy registers a
    cluster class when its module runs, so one that is ever needed (a placeholder's
    attribute looked up) is loaded and registered then; until that, zigpy's by-id tables
    (``CLUSTERS_BY_ID``, ``Cluster._registry``) do not list these clusters, and a device
    offering one would get zigpy's generic cluster: a real radio's network never uses this.
    False (and nothing done) if zigpy's clusters are already loaded."""
    if "zigpy.zcl.clusters" in sys.modules:
        return False
    for name in names:
        full = f"zigpy.zcl.clusters.{name}"
        if full not in sys.modules:
            placeholder = _Deferred(full)
            placeholder.__file__ = None
            sys.modules[full] = placeholder
    return True


def is_loaded(name: str) -> bool:
    """True once the real module has been imported (for tests and benchmarks)."""
    module = sys.modules.get(name)
    return module is not None and not isinstance(module, _Deferred)
