"""seeds/TRACEABILITY.md stays true: every test it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_named_test_exists() -> None:
    table = (ROOT / "seeds" / "TRACEABILITY.md").read_text(encoding="utf-8")
    refs = re.findall(r"`(tests/[\w/]+\.py(?:::\w+)?|tests/[\w/]+_\*\.py)`", table)
    assert len(refs) > 10
    for ref in refs:
        path, _, name = ref.partition("::")
        files = sorted(ROOT.glob(path))
        assert files, f"{path} named in TRACEABILITY.md does not exist"
        if name:
            assert any(re.search(rf"^(async )?def {name}\b", f.read_text(), re.M)
                       for f in files), f"{ref} named in TRACEABILITY.md does not exist"


def test_every_named_source_path_exists() -> None:
    table = (ROOT / "seeds" / "TRACEABILITY.md").read_text(encoding="utf-8")
    refs = re.findall(r"`(han_home/[\w/]+(?:\.py)?/?)`", table)
    assert len(refs) > 5
    for ref in refs:
        assert (ROOT / ref).exists(), f"{ref} named in TRACEABILITY.md does not exist"


def test_the_seed_document_is_kept() -> None:
    seed = next((ROOT / "seeds").glob("*.txt"))
    assert "IH.2" in seed.read_text(encoding="utf-8")
