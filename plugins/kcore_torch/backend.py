"""The torch backend class: the mixins composed into one :class:`Backend`."""

from __future__ import annotations

from kcore.backend.contract import Backend
from kcore_torch.core import Core
from kcore_torch.nn import NN
from kcore_torch.numpy import Numpy
from kcore_torch.random import Random


class TorchBackend(Core, Numpy, NN, Random, Backend):
    """kcore on PyTorch: eager tensors on CUDA when available, else CPU, and autograd."""

    name = "torch"
