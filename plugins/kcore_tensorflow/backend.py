"""The tensorflow backend class: kcore's contract implemented with TensorFlow."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from kcore.backend.contract import Backend  # noqa: E402
from kcore_tensorflow.core import Core  # noqa: E402
from kcore_tensorflow.nn import NN  # noqa: E402
from kcore_tensorflow.numpy import Numpy  # noqa: E402
from kcore_tensorflow.random import Random  # noqa: E402


class TensorflowBackend(Core, Numpy, NN, Random, Backend):
    """TensorFlow tensors (``tf.Tensor``); train steps compiled with ``tf.function``."""

    name = "tensorflow"
