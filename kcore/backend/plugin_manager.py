"""Discovery of backend plugins through pluggy and the ``kcore.backends`` entry points."""

from __future__ import annotations

import pluggy

from kcore.backend import contract

_manager: pluggy.PluginManager | None = None
_registry: contract.BackendRegistry | None = None


def manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, with entry-point plugins loaded once."""
    global _manager
    if _manager is None:
        pm = pluggy.PluginManager(contract.PROJECT)
        pm.add_hookspecs(contract.BackendSpecs)
        pm.load_setuptools_entrypoints(contract.ENTRY_POINT_GROUP)
        _manager = pm
    return _manager


def registry() -> contract.BackendRegistry:
    """All backends registered by all plugins (imports no framework)."""
    global _registry
    if _registry is None:
        reg = contract.BackendRegistry()
        pm = manager()
        for impl in pm.hook.kcore_register_backends.get_hookimpls():
            before = set(reg.names())
            impl.function(registry=reg)
            for name in set(reg.names()) - before:
                reg._plugins[name] = impl.plugin_name
        _registry = reg
    return _registry


def register_plugin(plugin: object, name: str | None = None) -> str:
    """Register a plugin object or module at run time (tests, notebooks)."""
    global _registry
    pm = manager()
    plugin_name = pm.register(plugin, name=name)
    _registry = None  # rebuilt on next use, so the new backends appear
    return plugin_name


def unregister_plugin(plugin: object = None, name: str | None = None) -> None:
    global _registry
    manager().unregister(plugin=plugin, name=name)
    _registry = None


def adapt_data(data):
    """Ask every plugin whether it can iterate ``data``; ``None`` if none can."""
    return manager().hook.kcore_adapt_data(data=data)
