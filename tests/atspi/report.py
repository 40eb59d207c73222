"""Print the AT-SPI walk's counts per screen and language (for closing notes):
``.venv/bin/python -m tests.atspi.report``."""

from __future__ import annotations

import json

from han_home.shared.i18n.catalog import LANGUAGES
from tests.atspi import audit
from tests.atspi.test_atspi_walk import _ihd_walk, _installer_walk, _same_in_welsh


def main() -> None:
    rows = []
    same, exempt = _same_in_welsh(), set(LANGUAGES.values())
    for app, walker in (("ihd", _ihd_walk), ("installer", _installer_walk)):
        walks = {lang: walker(lang) for lang in LANGUAGES}
        for lang, walk in walks.items():
            for label, w in walk["walks"].items():
                row = {"app": app, "lang": lang, "screen": label, **audit.summary(w["nodes"])}
                if lang == "cy":
                    row["english_on_welsh"] = len(audit.english_on_welsh(
                        walks["en"]["walks"][label]["nodes"], w["nodes"], same, exempt))
                rows.append(row)
            if walk["errors"]:
                rows.append({"app": app, "lang": lang, "errors": walk["errors"]})
    print(json.dumps(rows, indent=None).replace("}, {", "},\n {"))


if __name__ == "__main__":
    main()
