"""kcore-testbackend: registers the ``testbackend`` backend with kcore.

Importing this module imports no framework: the hook names the backend class
by its import path, and kcore imports ``kcore_testbackend.backend`` only when
``testbackend`` is selected (``KCORE_BACKEND=testbackend``).
"""

from kcore.backend.contract import BackendInfo, BackendRegistry, hookimpl

INFO = BackendInfo(
    name="testbackend",
    backend_class="kcore_testbackend.backend:TestBackend",
    framework="autograd",
    install_hint="kcore[numpy] kcore-testbackend",
    description="out-of-tree test plugin: kcore's numpy backend under another name",
)


@hookimpl
def kcore_register_backends(registry: BackendRegistry) -> None:
    registry.add(INFO)
