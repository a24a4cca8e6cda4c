"""kcore's conformance suite: every code example of the Keras Functional API guide, as checks.

Each module in :mod:`kcore_conformance.checks` runs one example of the guide
(``import kcore as keras``) on the active backend and asserts what the guide
shows: shapes, dtypes, ``model.summary()`` rows and parameter counts, a
plotted PNG, training logs, saved-and-reloaded predictions.

Run it on any installed backend, in-tree or third-party::

    python -m kcore.conformance --backend NAME [--json results.json] [-k NAME]
    kcore conformance --backend NAME

The suite ships in kcore's wheel so backend authors can run it after
``pip install``; see ``docs/backends.md``.
"""

from __future__ import annotations

__all__ = ["SEED"]

#: Seed set with ``keras.utils.set_random_seed`` before every check.
SEED = 1337
