"""The ``testbackend`` backend class.

Not a new implementation: it subclasses kcore's in-tree numpy backend
(:class:`kcore_numpy.backend.NumpyBackend`) and only renames it, so that the
plugin machinery and the conformance kit are exercised with a backend kcore
does not ship.
"""

from kcore_numpy.backend import NumpyBackend


class TestBackend(NumpyBackend):
    """kcore's numpy backend (NumPy arrays, autograd gradients), registered as ``testbackend``."""

    name = "testbackend"
