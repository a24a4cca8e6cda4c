"""Small user-facing utilities (``keras.utils`` subset). Keep imports light."""

from kcore.utils.numerical_utils import normalize, to_categorical
from kcore.utils.progbar import Progbar
from kcore.utils.rng_utils import set_random_seed

__all__ = ["Progbar", "normalize", "set_random_seed", "to_categorical"]
