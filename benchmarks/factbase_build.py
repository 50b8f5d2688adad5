"""Build the whole fact base (all municipalities, all years) from a clean processed dir, then again.

Prints the first (clean) build time, the second build with nothing changed and their ratio, the peak
resident memory, and last `build_seconds: <s>` (the clean build). Uses a temporary SAMFUNN_DATA_DIR, so
the repository's data/processed is untouched; the snapshot is the embedded one.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="samfunn-bench-") as tmp:
        os.environ["SAMFUNN_DATA_DIR"] = tmp
        from samfunn_data.facts import factbase

        started = time.perf_counter()
        first = factbase.build()
        clean = time.perf_counter() - started
        started = time.perf_counter()
        second = factbase.build()
        again = time.perf_counter() - started
        assert second.skipped, "the second build should have found nothing to do"
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"facts: {first.facts_rows} rows, comparisons: {first.comparison_rows} rows")
        print(f"clean build: {clean:.2f} s; unchanged rebuild: {again:.3f} s; ratio clean/unchanged: "
              f"{clean / again:.0f}x")
        print(f"peak_memory_mb: {peak_mb:.0f}")
        print(f"build_seconds: {clean:.2f}")


if __name__ == "__main__":
    main()
