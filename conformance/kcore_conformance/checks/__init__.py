"""One module per code example of the Keras Functional API guide, in the guide's order.

Every module has a ``SECTION`` (the guide section it comes from) and a
``check()`` function that runs the example as the guide writes it
(``import kcore as keras``) and raises ``AssertionError`` when what it gives
differs from what the guide shows. The runner calls each ``check()`` in a fresh
session (automatic names reset, seeded, in an empty working folder).
"""

#: Check modules in the order the guide presents them; the runner also finds modules not listed here.
GUIDE_ORDER = (
    "introduction",
    "plot_model",
    "training",
    "save_and_serialize",
    "multiple_models",
    "models_callable",
    "ensembling",
    "multi_input_output",
    "toy_resnet",
    "shared_layers",
    "feature_extraction",
    "custom_layers",
    "subclassed_mlp",
    "mix_and_match",
)
