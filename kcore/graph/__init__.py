"""Symbolic graph: KerasTensors, operations, nodes and graph traversal."""
