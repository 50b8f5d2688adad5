"""Write the README's indicator table and robustness rule, generated from the code, so they cannot drift.

Usage: python scripts/gen_indicator_docs.py            # rewrite both blocks in README.md
       python scripts/gen_indicator_docs.py --print    # print the indicator table
       python scripts/gen_indicator_docs.py --rule     # print the robustness rule
The README holds them between `<!-- indicators:start/end -->` and `<!-- robustness:start/end -->`;
tests/test_indicators.py and tests/test_robustness.py check that they match.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from samfunn_data.facts.indicators import indicator_table_markdown
from samfunn_data.facts.robustness import rule_markdown

README = Path(__file__).resolve().parents[1] / "README.md"


def replace_block(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no <!-- {name}:start --> ... <!-- {name}:end --> markers")
    return pattern.sub(lambda m: m.group(1) + body.strip() + "\n" + m.group(2), text)


def main(argv: list[str]) -> None:
    if "--rule" in argv:
        print(rule_markdown(), end="")
    elif "--print" in argv:
        print(indicator_table_markdown(), end="")
    else:
        text = README.read_text(encoding="utf-8")
        text = replace_block(text, "indicators", indicator_table_markdown())
        text = replace_block(text, "robustness", rule_markdown())
        README.write_text(text, encoding="utf-8")
        print(f"updated {README}")


if __name__ == "__main__":
    main(sys.argv[1:])
