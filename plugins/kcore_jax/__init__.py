"""kcore's in-tree jax backend plugin.

Registered through the ``kcore.backends`` entry point like any third-party
plugin. Importing this module imports no framework: the backend class in
``kcore_jax.backend`` is imported only when the backend is selected.
"""

from kcore.backend.contract import BackendInfo, BackendRegistry, hookimpl

INFO = BackendInfo(
    name="jax",
    backend_class="kcore_jax.backend:JaxBackend",
    framework="jax",
    install_hint="kcore[jax]",
    description="JAX/XLA: whole train step compiled with jax.jit",
)


@hookimpl
def kcore_register_backends(registry: BackendRegistry) -> None:
    registry.add(INFO)
