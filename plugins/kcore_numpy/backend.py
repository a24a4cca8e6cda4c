"""The numpy backend: NumPy arrays, differentiated with autograd."""

from __future__ import annotations

import numpy as np
from autograd.numpy.numpy_boxes import ArrayBox

from kcore.backend.contract import Backend
from kcore_numpy.core import Core, configure_blas_threads
from kcore_numpy.nn import NN
from kcore_numpy.numpy import Numpy
from kcore_numpy.random import Random


class NumpyBackend(Core, Numpy, NN, Random, Backend):
    """kcore's reference backend; runs and trains anywhere NumPy runs (CPU, eager)."""

    name = "numpy"
    tensor_types = (np.ndarray, np.generic, ArrayBox)

    def __init__(self) -> None:
        # small matmuls dominate; OpenBLAS threads only slow them down
        # (``KCORE_NUMPY_BLAS_THREADS=N`` picks N, ``0`` leaves BLAS alone)
        configure_blas_threads()
