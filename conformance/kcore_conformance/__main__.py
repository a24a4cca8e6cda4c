"""``python -m kcore_conformance`` is ``python -m kcore.conformance``."""

import sys

from kcore.conformance.__main__ import main

sys.exit(main())
