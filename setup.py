"""Build steps pyproject.toml cannot express: the repository keeps `resources/` and
`translations/` at its root (tools and translators work there), while the wheel ships them
inside the one top-level package `han_home`; and the gettext catalogues are compiled to
`.mo` at build time, so an installed app never writes into its own install."""

from __future__ import annotations

import io
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_PACKAGES = {"han_home.resources": "resources", "han_home.translations": "translations"}


def _compile_catalogues(source: Path, target: Path) -> None:
    """Every translations/<lang>/LC_MESSAGES/*.po -> .mo under `target`; a broken .po fails
    the build (placeholders, plural forms), as it would fail the tests."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh, abort_invalid=True)
        errors = [f"{po}: {m.id!r}: {e}" for m, errs in catalog.check() for e in errs]
        if errors:
            raise SystemExit("\n".join(errors))
        out = target / po.relative_to(source).with_suffix(".mo")
        out.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        out.write_bytes(buffer.getvalue())


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            # an editable install reads the source tree: compile beside the .po (gitignored)
            _compile_catalogues(ROOT / "translations", ROOT / "translations")
        else:
            _compile_catalogues(
                ROOT / "translations", Path(self.build_lib, "han_home", "translations")
            )


setup(
    packages=[*find_packages(include=["han_home", "han_home.*"]), *DATA_PACKAGES],
    package_dir=DATA_PACKAGES,
    package_data={
        "han_home.resources": ["themes/*.qss", "kiosk/*"],
        # only the compiled catalogues: the .po files are the translators' sources
        "han_home.translations": [],
    },
    exclude_package_data={"han_home.translations": ["*.po", "*.pot", "*.md", "*.cfg"]},
    cmdclass={"build_py": BuildWithCatalogues},
)
