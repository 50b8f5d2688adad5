"""Print the README's indicator table and robustness rule, generated from the catalogue.

Usage: python scripts/gen_indicator_docs.py [--rule]
The README holds the table between `<!-- indicators:start -->` and `<!-- indicators:end -->`;
tests/test_indicators.py checks that it matches this output.
"""

from __future__ import annotations

import sys

from samfunn_data.indicators import indicator_table_markdown
from samfunn_data.robustness import rule_markdown

if __name__ == "__main__":
    print(rule_markdown() if "--rule" in sys.argv[1:] else indicator_table_markdown(), end="")
