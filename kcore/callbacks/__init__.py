"""Training callbacks (``keras.callbacks``)."""

from kcore.callbacks.callback import Callback
from kcore.callbacks.callback_list import CallbackList
from kcore.callbacks.csv_logger import CSVLogger
from kcore.callbacks.early_stopping import EarlyStopping
from kcore.callbacks.history import History
from kcore.callbacks.lambda_callback import LambdaCallback
from kcore.callbacks.learning_rate_scheduler import LearningRateScheduler
from kcore.callbacks.model_checkpoint import ModelCheckpoint
from kcore.callbacks.monitor_callback import MonitorCallback
from kcore.callbacks.progbar_logger import ProgbarLogger
from kcore.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from kcore.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = [
    "CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History", "LambdaCallback",
    "LearningRateScheduler", "ModelCheckpoint", "MonitorCallback", "ProgbarLogger",
    "ReduceLROnPlateau", "TerminateOnNaN",
]
