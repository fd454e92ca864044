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
    """Symbl's largest account, from CLINC150: the train + val + test queries in file order,
    de-duplicated (22,495), cut into consecutive chunks of ``size`` (45: 500 trackers, the last
    one of 40 phrases). API-shaped, 16-digit ids; each tracker is named after its first query's
    intent and its number (chunks follow the file's order, so most hold one intent)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    first_intent: dict[str, str] = {}
    for split in ("train", "val", "test"):
        for text, intent in data[split]:
            first_intent.setdefault(text, intent)
    queries = list(first_intent)
    return [
        {
            "id": str(6_000_000_000_000_000 + k),
            "name": f"{first_intent[queries[start]]} {k + 1:03d}",
            "vocabulary": queries[start : start + size],
        }
        for k, start in enumerate(range(0, len(queries), size))
    ]
