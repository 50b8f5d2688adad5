"""The package's shape: data flows one way between the stages, and no module imports itself in a circle.

The import graph is read from the source with `ast` (every import, also those inside functions), so a
lazy import cannot hide a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

from samfunn_data.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "samfunn_data"

# A stage may import its own modules and those of lower-ranked stages. `network` ranks above `reports`
# because the overview reuses the reports' warm kernel, HTML export and boundary reader.
STAGE_RANK = {
    "shared": 0,  # config, errors, formatting, files at the package root
    "ssb": 1,
    "importers": 1,  # developer-only snapshot import; needs nothing of the pipeline
    "facts": 2,
    "reports": 3,
    "screening": 3,
    "network": 4,
    "cli": 5,  # cli.py and commands/
}
MAX_ROOT_MODULES = 8
MAX_LINES = 600


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """Package modules that `path` imports; `from a import b` counts as a.b when b is a module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in modules}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module in modules:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
    return found - {module_name(path)}


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    return {name: imports_of(path, modules) for name, path in modules.items()}


def stage_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in ("config", "errors", "formatting", "files", "recoding"):
        return "shared"
    if parts[1] in ("cli", "commands"):
        return "cli"
    return parts[1]


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_package_has_no_import_cycle():
    assert find_cycle(import_graph()) is None, " → ".join(find_cycle(import_graph()) or [])


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_stage_imports_a_later_stage():
    wrong = []
    for module, targets in import_graph().items():
        source_stage = stage_of(module)
        for target in targets:
            target_stage = stage_of(target)
            if target_stage != source_stage and STAGE_RANK[target_stage] >= STAGE_RANK[source_stage]:
                wrong.append(f"{module} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_every_module_belongs_to_a_known_stage():
    assert {stage_of(m) for m in all_modules()} <= set(STAGE_RANK)


def test_the_package_root_holds_only_what_every_stage_shares():
    root_modules = [p.stem for p in PACKAGE.glob("*.py")]
    assert len(root_modules) <= MAX_ROOT_MODULES, sorted(root_modules)


def test_no_source_file_is_over_the_size_limit():
    folders = [PACKAGE, PROJECT_ROOT / "tests", PROJECT_ROOT / "scripts", PROJECT_ROOT / "benchmarks"]
    long = [f"{p.relative_to(PROJECT_ROOT)}: {n}" for folder in folders for p in folder.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not long, long


def test_public_api_still_imports_from_the_package_root():
    from samfunn_data import factbase, municipalities, network
    from samfunn_data.ssb import decode_jsonstat

    assert callable(factbase.load) and callable(factbase.comparisons)
    assert callable(municipalities.lookup)
    assert callable(network.panel) and callable(network.before_during)
    assert callable(decode_jsonstat)
