"""``kcore.random``: seeded random ops (``keras.random`` names) and :class:`SeedGenerator`."""

from kcore.random.random import dropout, normal, randint, shuffle, truncated_normal, uniform
from kcore.random.seed_generator import SeedGenerator, global_seed_generator, set_global_seed

__all__ = ["normal", "uniform", "truncated_normal", "randint", "dropout", "shuffle", "SeedGenerator",
           "global_seed_generator", "set_global_seed"]
