"""Global seeding: ``set_random_seed``."""

from __future__ import annotations

import random

import numpy as np


def set_random_seed(seed: int) -> None:
    """Seeds Python's ``random``, NumPy's global generator and kcore's global seed.

    After this call, layers and initializers created without an explicit seed draw
    reproducible values (``keras.utils.set_random_seed``).
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(
            f"set_random_seed: expected an integer seed; received seed={seed!r} "
            f"(of type {type(seed).__name__})"
        )
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)
    from kcore.random.seed_generator import set_global_seed

    set_global_seed(seed)
