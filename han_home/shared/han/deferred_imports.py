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
# zigpy's online firmware providers: zigpy.ota imports them at module level, and one of
# their classes builds an SSL context with the system's CA store as it is defined
# (Tradfri.SSL_CTX: ~2 MiB of OpenSSL certificates). The gateway turns OTA off and names no
# providers (radios.app_config), so nothing looks at them unless a configuration does
ZIGPY_OTA_PROVIDER_MODULES = ("zigpy.ota.providers",)
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

    @property
    def __spec__(self) -> None:  # type: ignore[override]
        """None, as for a module made by hand. Every ``import a.b`` statement reads this
        (to see whether a.b is still initialising), including the one in package a that
        imports its own submodule: the placeholder then sets itself on that package (the
        import system sets a submodule on its package only when it loads it itself), so
        ``a.b.x`` loads the real module instead of failing on a package without ``b``."""
        parent, _, child = self.__name__.rpartition(".")
        package = sys.modules.get(parent) if parent else None
        if package is not None and child not in vars(package):
            setattr(package, child, self)
        return None

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
                  + ZIGPY_OTA_PROVIDER_MODULES) -> None:
    """Placeholders for modules not imported yet (and installed); safe to call again."""
    for name in names:
        if name in sys.modules or not _installed(name):
            continue
        placeholder = _Deferred(name)
        placeholder.__file__ = None  # answered here: looking it up must not load the module
        sys.modules[name] = placeholder
        parent, _, child = name.rpartition(".")
        if parent in sys.modules:  # `import a.b` then `a.b.x` looks it up on the package
            setattr(sys.modules[parent], child, placeholder)


def _installed(name: str) -> bool:
    return _find_spec(name) is not None


def _find_spec(name: str) -> importlib.machinery.ModuleSpec | None:
    """importlib.util.find_spec without running packages: it imports a submodule's package
    first, and for zigpy.ota.providers that package (zigpy.ota) imports the real module."""
    parent, _, _child = name.rpartition(".")
    if not parent or parent in sys.modules:
        return importlib.util.find_spec(name)
    package = _find_spec(parent)
    locations = None if package is None else package.submodule_search_locations
    if locations is None:
        return None
    for finder in sys.meta_path:
        find_spec = getattr(finder, "find_spec", None)
        spec = None if find_spec is None else find_spec(name, list(locations))
        if spec is not None:
            return spec  # type: ignore[no-any-return]
    return None


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
