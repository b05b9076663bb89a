"""One trainer for ``al_ner``: optimizer, epochs, the min-steps rule, dropout.

Used by the benchmark's rounds and by the live session's retraining worker.
"""
