"""CLINC150 (shared/data/clinc150, CC BY 3.0) as trackers, for the benchmarks: each intent stands in
for a tracker, its queries for the vocabulary."""

from __future__ import annotations

import json
import os
from pathlib import Path

CLINC = Path(
    os.environ.get(
        "CLINC150", Path(__file__).resolve().parents[2] / "shared" / "data" / "clinc150" / "data_full.json"
    )
)


def clinc_trackers(path: Path = CLINC, split: str = "train") -> list[dict]:
    """The 150 intents as API-shaped trackers with 16-digit ids, the ``split`` queries as vocabulary."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    vocabulary: dict[str, list[str]] = {}
    for text, intent in data[split]:
        vocabulary.setdefault(intent, []).append(text)
    return [
        {"id": str(5_000_000_000_000_000 + i), "name": intent, "vocabulary": phrases}
        for i, (intent, phrases) in enumerate(sorted(vocabulary.items()))
    ]
