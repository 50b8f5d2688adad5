"""Speed and memory of decode_jsonstat against pyjstat on a cube shaped like SSB 07459.

The document has 357 regions × 2 sexes × 106 ages × 1 contents × 5 years = 378,420 cells with SSB's
dimension ids, real 2024 municipality codes and names (tests/fixtures/ssb_07459_regions_2024.json) and
SSB's category codes and labels. The VALUES ARE SYNTHETIC (seeded random counts, some nulls with
status symbols): this is a speed test of the decoder, not a statistic; never show these numbers.

Both decoders get the same JSON text and must agree on every code and value. Ours is timed best-of-N,
pyjstat (slow) best of fewer runs. Peak memory of each decode is measured in a fresh subprocess
(ru_maxrss, so Arrow's and numpy's allocations count, not just Python objects).

Usage: ``python benchmarks/jsonstat_decode.py [--repeat N]``. The last line printed is
``speedup_vs_pyjstat: <ratio>``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from pyjstat import pyjstat

from samfunn_data.ssb.jsonstat import decode_jsonstat

REPO = Path(__file__).resolve().parents[1]
REGIONS = REPO / "tests" / "fixtures" / "ssb_07459_regions_2024.json"
YEARS = ["2020", "2021", "2022", "2023", "2024"]
MEMORY_GOAL_MB = 500


def build_document(seed: int = 7459) -> str:
    """A 07459-shaped JSON-stat 2.0 text with synthetic counts, ~1 % nulls carrying status symbols."""
    regions = json.loads(REGIONS.read_text(encoding="utf-8"))["regions"]
    ages = [f"{age:03d}" for age in range(105)] + ["105+"]
    age_labels = {age: f"{int(age)} år" for age in ages[:-1]} | {"105+": "105 år eller eldre"}
    sizes = [len(regions), 2, len(ages), 1, len(YEARS)]
    n_cells = int(np.prod(sizes))
    rng = np.random.default_rng(seed)
    values: list = rng.poisson(40, n_cells).tolist()
    missing = rng.choice(n_cells, n_cells // 100, replace=False)
    status = {}
    for k, idx in enumerate(sorted(missing.tolist())):
        values[idx] = None
        status[str(idx)] = ("..", ":", ".")[k % 3]
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "07459: Befolkning, etter region, kjønn, alder, statistikkvariabel og år",
        "source": "Statistisk sentralbyrå",
        "updated": "2024-02-21T07:00:00Z",
        "note": ["Synthetic values for a decoder benchmark."],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "id": ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"],
        "size": sizes,
        "dimension": {
            "Region": _dim("region", regions),
            "Kjonn": _dim("kjønn", {"1": "Menn", "2": "Kvinner"}),
            "Alder": _dim("alder", age_labels),
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {
                    "index": {"Personer1": 0},
                    "label": {"Personer1": "Personer"},
                    "unit": {"Personer1": {"base": "personer", "decimals": 0}},
                },
            },
            "Tid": _dim("år", {y: y for y in YEARS}),
        },
        "value": values,
        "status": status,
        "extension": {"px": {"tableid": "07459", "decimals": 0}},
    }
    return json.dumps(doc, ensure_ascii=False)


def _dim(label: str, labels: dict[str, str]) -> dict:
    # SSB sends category.index as an object code -> position.
    return {"label": label, "category": {"index": {c: i for i, c in enumerate(labels)}, "label": labels}}


def decode_pyjstat(text: str) -> pd.DataFrame:
    return pyjstat.Dataset.read(text).write("dataframe", naming="id")


DECODERS = {"ours": decode_jsonstat, "pyjstat": decode_pyjstat}


def best_time(func, text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func(text)
        best = min(best, time.perf_counter() - start)
    return best


def check_agree(ours: pd.DataFrame, theirs: pd.DataFrame, dims: list[str]) -> None:
    """Same rows in the same (row-major) order: every code and every value (NaN = NaN) must match."""
    assert len(ours) == len(theirs), (len(ours), len(theirs))
    for dim in dims:
        mismatch = ours[dim].to_numpy(dtype=object) != theirs[dim].astype(str).to_numpy(dtype=object)
        assert not mismatch.any(), f"{dim}: {int(mismatch.sum())} codes differ"
    theirs_values = pd.to_numeric(theirs["value"], errors="raise").to_numpy(dtype=np.float64)
    assert np.array_equal(ours["value"].to_numpy(), theirs_values, equal_nan=True), "values differ"


def peak_memory_mb(decoder: str, path: Path) -> tuple[float, float]:
    """(peak RSS of the whole child process, increase over the RSS just before decoding) in MB."""
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child", decoder, str(path)],
        check=True, capture_output=True, text=True,
    ).stdout.split()
    return float(out[-2]), float(out[-1])


def high_water_kib() -> int:
    """Peak RSS of this process so far. VmHWM, because Linux carries ru_maxrss over exec from the
    forked parent (the benchmark itself), which would hide the child's own peak."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1])
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS


def memory_child(decoder: str, path: str) -> None:
    text = Path(path).read_text(encoding="utf-8")
    before = high_water_kib()
    frame = DECODERS[decoder](text)
    peak = high_water_kib()
    assert len(frame) > 0
    print(f"{peak / 1024:.1f} {(peak - before) / 1024:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="best-of-N runs for decode_jsonstat")
    parser.add_argument("--pyjstat-repeat", type=int, default=2, help="best-of-N runs for pyjstat")
    parser.add_argument("--memory-child", nargs=2, metavar=("DECODER", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(*args.memory_child)
        return

    text = build_document()
    dims = json.loads(text)["id"]
    print(f"document: {len(text.encode()) / 1e6:.1f} MB JSON, {int(np.prod(json.loads(text)['size']))} cells")

    ours, theirs = decode_jsonstat(text), decode_pyjstat(text)
    check_agree(ours, theirs, dims)
    print(f"agree: {len(ours)} rows, codes and values identical; "
          f"{int(ours['status'].notna().sum())} status symbols kept (pyjstat drops them)")

    json_s = best_time(json.loads, text, args.repeat)
    ours_s = best_time(decode_jsonstat, text, args.repeat)
    theirs_s = best_time(decode_pyjstat, text, args.pyjstat_repeat)
    print(f"json.loads alone: {json_s * 1000:.0f} ms (best of {args.repeat})")
    print(f"decode_jsonstat: {ours_s * 1000:.0f} ms (best of {args.repeat})")
    print(f"pyjstat: {theirs_s * 1000:.0f} ms (best of {args.pyjstat_repeat})")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "07459.json"
        path.write_text(text, encoding="utf-8")
        for decoder in DECODERS:
            peak, increase = peak_memory_mb(decoder, path)
            goal = f" (goal < {MEMORY_GOAL_MB} MB)" if decoder == "ours" else ""
            print(f"peak memory {decoder}: {peak:.0f} MB process RSS, +{increase:.0f} MB during decode{goal}")
    print(f"speedup_vs_pyjstat: {theirs_s / ours_s:.1f}")


if __name__ == "__main__":
    main()
