"""Runnable examples from the Keras Functional API guide."""
