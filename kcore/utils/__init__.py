"""Small user-facing utilities (``keras.utils`` subset). Keep imports light."""

from kcore.utils.model_visualization import model_to_dot, plot_model
from kcore.utils.numerical_utils import normalize, to_categorical
from kcore.utils.progbar import Progbar
from kcore.utils.rng_utils import set_random_seed


def clear_session() -> None:
    """Reset automatic layer naming (``dense``, ``dense_1``...) as ``keras.utils.clear_session`` does."""
    from kcore.graph import naming

    naming.reset()


__all__ = ["Progbar", "clear_session", "model_to_dot", "normalize", "plot_model", "set_random_seed", "to_categorical"]
