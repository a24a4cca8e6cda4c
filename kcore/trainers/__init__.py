"""Training loops: compile/fit/evaluate/predict on top of the backend contract."""
