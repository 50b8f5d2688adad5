"""Import the embedded SSB snapshot from ../shared (developers only; see samfunn_data.importers)."""

import sys

from samfunn_data.importers import main

if __name__ == "__main__":
    sys.exit(main())
