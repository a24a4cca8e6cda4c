"""kcore.layers: every built-in layer (one layer per module, grouped by family)."""

from kcore.layers.input_layer import Input, InputLayer
from kcore.layers.input_spec import InputSpec
from kcore.layers.layer import Layer

from kcore.layers.core import *  # noqa: F401,F403
from kcore.layers.convolutional import *  # noqa: F401,F403
from kcore.layers.pooling import *  # noqa: F401,F403
from kcore.layers.reshaping import *  # noqa: F401,F403
from kcore.layers.normalization import *  # noqa: F401,F403
from kcore.layers.regularization import *  # noqa: F401,F403
from kcore.layers.merging import *  # noqa: F401,F403
from kcore.layers.rnn import *  # noqa: F401,F403
