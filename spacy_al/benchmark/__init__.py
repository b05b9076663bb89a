"""Simulation runs, learning-curve metrics, evaluation and reports."""
