"""Recurrent layers: cells, the generic RNN loop and the built-in LSTM/GRU/SimpleRNN/ConvLSTM layers."""

from kcore.layers.rnn.bidirectional import Bidirectional
from kcore.layers.rnn.conv_lstm import ConvLSTM, ConvLSTMCell
from kcore.layers.rnn.conv_lstm1d import ConvLSTM1D
from kcore.layers.rnn.conv_lstm2d import ConvLSTM2D
from kcore.layers.rnn.conv_lstm3d import ConvLSTM3D
from kcore.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from kcore.layers.rnn.gru import GRU, GRUCell
from kcore.layers.rnn.lstm import LSTM, LSTMCell
from kcore.layers.rnn.rnn import RNN
from kcore.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell
from kcore.layers.rnn.stacked_rnn_cells import StackedRNNCells

__all__ = [
    "Bidirectional", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "GRU", "GRUCell", "LSTM", "LSTMCell", "RNN",
    "SimpleRNN", "SimpleRNNCell", "StackedRNNCells",
]
