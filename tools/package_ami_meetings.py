"""Copy a few real AMI meetings into trackerkit/data/ami/, gzip-compressed, byte-reproducibly.

The source is the project's shared copy of the AMI meetings (QMSum's ``data/Product/all/``);
it is read at build time only: the package, its tests and notebooks never read it.

Selection: the whole ES2002 series (ES2002a-d: one team's four meetings, kick-off to final
design), plus, for each of the three scenario series ES, IS and TS, the two smallest meetings
by source file size (excluding ES2002), ties broken by meeting id. Each file keeps the source's
``meeting_id``, ``topic_list`` and ``meeting_transcripts`` (``speaker``, ``content``) unchanged, in
order; only the JSON whitespace differs. Gzip headers carry no name and no time, so reruns give
the same bytes.

Usage: ``python tools/package_ami_meetings.py [--source DIR]`` (default: ``../shared/data/
ami-meetings`` next to the repository root).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "trackerkit" / "data" / "ami"
SERIES = ["ES2002a", "ES2002b", "ES2002c", "ES2002d"]
SMALLEST_PER_SERIES = 2


def select(source: Path) -> list[str]:
    """Meeting ids to package, in a fixed order."""
    chosen = list(SERIES)
    for prefix in ("ES", "IS", "TS"):
        sizes = sorted(
            (path.stat().st_size, path.stem)
            for path in source.glob(f"{prefix}*.json")
            if path.stem not in SERIES
        )
        chosen += [meeting for _, meeting in sizes[:SMALLEST_PER_SERIES]]
    return chosen


def gzip_bytes(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as f:
        f.write(data)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data" / "ami-meetings")
    source = parser.parse_args().source
    if not (source / "README.md").is_file():
        raise SystemExit(f"no AMI meetings at {source}; pass --source")
    TARGET.mkdir(parents=True, exist_ok=True)
    for old in TARGET.glob("*.json.gz"):
        old.unlink()
    rows = []
    for meeting in select(source):
        record = json.loads((source / f"{meeting}.json").read_text("utf-8"))
        assert record["meeting_id"] == meeting, (meeting, record["meeting_id"])
        kept = {key: record[key] for key in ("meeting_id", "topic_list", "meeting_transcripts")}
        data = json.dumps(kept, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        (TARGET / f"{meeting}.json.gz").write_bytes(gzip_bytes(data))
        rows.append(
            (meeting, len(kept["meeting_transcripts"]), (TARGET / f"{meeting}.json.gz").stat().st_size)
        )
    for meeting, utterances, size in rows:
        print(f"{meeting}: {utterances} utterances, {size:,} bytes")
    print(f"total: {sum(r[1] for r in rows)} utterances, {sum(r[2] for r in rows):,} bytes")


if __name__ == "__main__":
    main()
