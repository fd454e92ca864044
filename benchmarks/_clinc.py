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


def largest_account(path: Path = CLINC, size: int = 45) -> list[dict]:
    """Symbl's largest account, from real queries: CLINC150's in-scope queries (train, val, test,
    in file order, de-duplicated) cut into consecutive chunks of ``size``: 500 trackers of 45
    phrases (the last one 40), named ``tracker 000`` ... ``tracker 499``, 16-digit ids."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    queries = list(dict.fromkeys(text for split in ("train", "val", "test") for text, _ in data[split]))
    return [
        {
            "id": str(6_000_000_000_000_000 + k),
            "name": f"tracker {k:03d}",
            "vocabulary": queries[start : start + size],
        }
        for k, start in enumerate(range(0, len(queries), size))
    ]
