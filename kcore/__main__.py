"""``python -m kcore info`` / ``python -m kcore conformance --backend NAME``."""

import sys

from kcore.cli import main

sys.exit(main())
