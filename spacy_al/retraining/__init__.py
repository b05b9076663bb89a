"""The model in the loop of a live session: a worker process that ranks and retrains.

:class:`~.service.ModelService` (ranking, fine-tuning with :mod:`spacy_al.training`),
:class:`~.worker.ModelWorker` (the process and its framed pipes) and
:class:`~.model_loop.ModelLoop` (the server-side driver that swaps rankings in).
"""
