"""Run the Functional API guide conformance suite (the ``kcore_conformance`` package) on a backend.

    python -m kcore.conformance --backend NAME [--json FILE] [-k TEXT] [--plugin MODULE]
    kcore conformance --backend NAME [--json FILE] [-k TEXT]

This package only chooses the backend; the checks live in ``kcore_conformance``,
shipped in kcore's wheel.
"""

from kcore.conformance.runner import run

__all__ = ["run"]
