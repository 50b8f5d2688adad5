"""`python -m samfunn_data.importers`: import the embedded snapshot (developers only)."""

import sys

from samfunn_data.importers.run import main

sys.exit(main())
