"""The model side of a session: rank the pool, fine-tune on answers, evaluate, save.

A :class:`ModelService` lives in the model worker (a separate process by default,
so training never holds the server's interpreter). It is plain code, testable
without any transport: ``rank`` turns pool items into ranked tasks (ordered by the
round engine's selection seam, :func:`spacy_al.loop.engine.rank_candidates`), ``train``
fine-tunes on all accepted answers so far with the one trainer
(:mod:`spacy_al.training`) and evaluates on a held-out slice.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..acquisition import build_strategy
from ..acquisition.selectors import Selector, build_diverse_top_k, named_selector
from ..errors import ConfigError, ModelNotFoundError, UnknownLabelError
from ..models.hf_encoder import ConfigFlag
from ..pipeline.build import create_al_nlp
from ..pipeline.pool_scoring import length_batches, stop_set_tags
from ..registry import build
from ..store.pool_items import ArrowItems, items_of
from ..tasks import PoolItem, answer_to_example, hash32, is_complete
from ..training.memory import release_training_memory
from ..training.trainer import fit, make_optimizer
from .candidates import scoring_order, split_candidates
from .model_spec import MODES, NEW_MODELS, ModelSpec
from .pool_scores import lookup_scores, saved_scores, store_scores
from .predictions import Predicting, predict_batch, rerank

__all__ = ["MODES", "NEW_MODELS", "ModelService", "ModelSpec", "check_labels", "load_model"]


def load_model(spec: ModelSpec) -> Any:
    """A pipeline with ``al_ner``: loaded from a path, or built fresh (``default``/``tok2vec``)."""
    if spec.model in NEW_MODELS:
        if not spec.labels:
            raise ConfigError(f"A new {spec.model!r} model needs labels.",
                              fix="Pass --label PER,ORG,LOC (or use a bundled sample).")
        return create_al_nlp(spec.labels, NEW_MODELS[spec.model], lang=spec.lang,
                             frozen_layers=spec.frozen_layers)
    import spacy

    path = Path(spec.model).expanduser()
    if not path.exists():
        raise ModelNotFoundError(f"Model {spec.model!r} is not a pipeline folder.",
                                 fix="Pass the path of a saved spaCy pipeline with al_ner, "
                                 "or 'default' for the embedded model.")
    nlp = spacy.load(path)
    if "al_ner" not in nlp.pipe_names:
        raise ConfigError(f"The pipeline at {path} has no al_ner component "
                          f"(it has {nlp.pipe_names}).",
                          fix="Pass 'default' or 'tok2vec' for a new model, train one from "
                          "it with spacy-al train --base-model PIPELINE, or correct its "
                          "entities with ner.correct (any spaCy pipeline).")
    return nlp


def predict_int8(nlp: Any) -> bool:
    """Let ``al_ner``'s transformer encoder predict with an int8 copy of itself on CPU (about
    twice the sentences per second; training keeps the fp32 weights, and the copy is
    made again after each update). Only the live pipeline changes: its config, and so a
    saved copy, keeps predicting in fp32. False for a model without such an encoder."""
    found = False
    for node in nlp.get_pipe("al_ner").model.walk():
        if "quantize" in node.attrs:
            node.attrs["quantize"] = ConfigFlag(True)
            found = True
    return found


def check_labels(model_labels: tuple[str, ...], wanted: list[str] | None) -> list[str]:
    """The labels to annotate: ``wanted`` (all known to the model) or the model's."""
    if not wanted:
        return list(model_labels)
    unknown = [label for label in wanted if label not in model_labels]
    if unknown:
        raise UnknownLabelError(
            f"The model does not predict {', '.join(unknown)} (it knows "
            f"{', '.join(model_labels)}).",
            fix="Use labels the model knows, 'default' as MODEL to start a new one, or "
            "ner.manual.")
    return list(wanted)


def all_tied(scores: np.ndarray) -> bool:
    """Whether the scores are equal up to rounding (a model that has learned nothing)."""
    scale = max(1.0, float(np.max(np.abs(scores))))
    return bool(np.ptp(scores) <= 1e-6 * scale)


def is_held_out(answer: dict[str, Any], fraction: float) -> bool:
    """Whether an answer belongs to the evaluation slice (stable: by input hash)."""
    return hash32(["held-out", answer["_input_hash"]]) % 1000 < fraction * 1000


class ModelService:
    """Ranks pool items with the current model and fine-tunes it on answers."""

    def __init__(self, spec: ModelSpec) -> None:
        if spec.mode not in MODES:
            raise ConfigError(f"Unknown mode {spec.mode!r}.", fix=f"Use one of {MODES}.")
        if spec.threads:
            import torch

            torch.set_num_threads(spec.threads)
        self.spec = spec
        self.nlp = load_model(spec)
        if spec.int8_scoring:
            predict_int8(self.nlp)
        self.labels = check_labels(self.nlp.get_pipe("al_ner").labels, spec.labels)
        self.strategy = build_strategy(spec.strategy, spec.strategy_options, spec.seed)
        """Seeded by ``spec.seed`` where it draws (``random``), the loops' one route."""
        self.selector = named_selector(spec.selector, **spec.selector_options)
        self.stopper = build("stopper", spec.stopper, **spec.stopper_options)
        self.cold_selector: Selector = build_diverse_top_k()
        """The selector of the first window while the model is untrained:
        every sentence scores alike then, so the first batches are a diverse sample."""
        self.matcher = self._load_matcher(spec)
        self.vectors: dict[int, np.ndarray] = {}
        """Sentence embeddings by input hash, kept while scoring (diversity selectors)."""
        self.rule = spec.training_rule(self.architecture)
        self.items: Mapping[int, PoolItem] = {}
        """The pool by input hash (an Arrow pool is read on demand, never held)."""
        self.scores: dict[int, float] = {}
        """Each item's last acquisition score by input hash (the candidate set's order)."""
        self.version = 0
        self.rng = np.random.default_rng(spec.seed)
        """The session's one generator of orders: tie breaks, candidate samples."""
        self._stop_hashes: list[int] | None = None
        self._optimizer = make_optimizer(self.rule.learn_rate)

    @staticmethod
    def _load_matcher(spec: ModelSpec) -> Any:
        if spec.patterns is None:
            return None
        if spec.matcher_factory is None:
            raise ConfigError("ModelSpec.patterns needs a matcher_factory.",
                              fix="Pass spacy_al.recipe_runtime.patterns.PatternMatcher.")
        return spec.matcher_factory(spec.patterns, spec.lang)

    @property
    def untrained(self) -> bool:
        """A new model (``default``, ``tok2vec``) before its first update: it knows nothing,
        and scores every sentence alike. A loaded pipeline is trained already."""
        return self.version == 0 and self.spec.model in NEW_MODELS

    @property
    def reads_model(self) -> bool:
        """Whether the strategy's scores come from the model (``random``'s do not)."""
        return bool(getattr(self.strategy, "needs_probs", True))

    def active_selector(self, scores: np.ndarray | None = None) -> Selector:
        """The selector of this ranking's window: DiverseTopK while the model scores every
        sentence alike (untrained, or ``scores`` all tied), unless the strategy ignores
        the model (``random`` stays random)."""
        if not self.reads_model:
            return self.selector
        tied = scores is not None and len(scores) > 1 and all_tied(scores)
        return self.cold_selector if self.untrained or tied else self.selector

    @property
    def architecture(self) -> str:
        config = self.nlp.config["components"]["al_ner"]["model"]
        return "tok2vec" if "Tok2Vec" in str(config.get("@architectures", "")) else "transformer"

    def set_pool(self, items: Mapping[int, PoolItem] | Iterable[PoolItem]) -> None:
        """The pool: an :class:`ArrowItems` (kept as is: the last scores an earlier session
        or ``spacy-al score`` stored in its index with this strategy are taken as the
        starting order), a dict, or pool items."""
        if isinstance(items, ArrowItems):
            self.items = items
            # stored scores fill in only what this session has not scored (a grown pool);
            # random's are no order to start from (the seed alone sets random's order)
            if self.reads_model:
                self.scores = {**saved_scores(items, self.spec.strategy), **self.scores}
        elif isinstance(items, Mapping):
            self.items = dict(items)
        else:
            self.items = {item.input_hash: item for item in items}

    # -- ranking ------------------------------------------------------------
    def rank(self, hashes: list[int]) -> list[dict[str, Any]]:
        """Tasks for the given pool items, best first (``_rank`` holds the sort key); their
        scores become the last scores, their embeddings this call's :attr:`vectors`."""
        how = self.predicting()
        size = self.spec.score_batch_size
        self.vectors = {}  # only this call's sentences: a pool's worth would not fit
        items = items_of(self.items, [hashes[i] for i in self.rng.permutation(len(hashes))])
        by_item: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for batch in length_batches([len(item.tokens) for item in items], size):
            predicted = predict_batch(how, [items[i] for i in batch])
            for task in predicted.tasks:
                by_item[int(task["_input_hash"])].append(task)
            self.scores.update(predicted.scores)
            self.vectors.update(predicted.vectors)
        # in the shuffled order, not by length: equal scores tie at random
        tasks = [task for item in items for task in by_item.pop(item.input_hash, [])]
        selector = self.active_selector(
            np.asarray([t["meta"]["score"] for t in tasks], np.float64))
        return rerank(tasks, selector, self.spec.window if self.spec.mode == "correct" else 0,
                      self.vectors)

    def predicting(self) -> Predicting:
        """How :meth:`rank` predicts with the model as it is now."""
        return Predicting(self.nlp, self.labels, self.strategy, self.spec.mode, self.version,
                          self.untrained, self.matcher,
                          embeddings=self.spec.mode == "correct",
                          min_confidence=self.spec.min_confidence,
                          seconds=self.spec.annotation_seconds if self.ranks_per_second else None)

    @property
    def ranks_per_second(self) -> bool:
        """Whether the ranking is by informativeness per expected second (``cost_aware``):
        only for a strategy that reads the model; a random order stays uniform."""
        return self.spec.cost_aware and bool(getattr(self.strategy, "needs_probs", True))

    def split_candidates(self, hashes: Sequence[int] | np.ndarray,
                         reserved: Sequence[int] = ()) -> tuple[list[int], np.ndarray]:
        """The sentences to re-score first after an update, and the rest (an int64 array:
        a pool of millions stays a few megabytes; see :mod:`.candidates`): the best
        ``rerank_candidates`` by last score (ties at random), a seeded sample of
        ``rerank_sample`` others and the ``reserved`` ones (out with an annotator: served
        again, they show this model's spans); 0 and 0: the whole pool at once."""
        hashes = np.asarray(hashes, dtype=np.int64)
        m, r = max(0, self.spec.rerank_candidates), max(0, self.spec.rerank_sample)
        first, rest = split_candidates(hashes, self.last_scores(hashes), self.rng, best=m,
                                       capacity=m + r if m + r else len(hashes),
                                       reserved=np.asarray(reserved, dtype=np.int64))
        return first.tolist(), rest

    def scoring_order(self, hashes: np.ndarray) -> np.ndarray:
        """``hashes`` best last score first; the never scored after them in a seeded random
        order (never file order: the first chunk scored is a sample of the whole pool)."""
        return scoring_order(np.asarray(hashes, np.int64), self.last_scores(hashes), self.rng)

    def persist_scores(self) -> bool:
        """Write the last scores into an Arrow pool's index for a later session (see
        :func:`.pool_scores.store_scores`); False where there is nothing to write to."""
        if not isinstance(self.items, ArrowItems):
            return False
        return store_scores(self.items, self.scores, strategy=self.spec.strategy,
                            model=str(self.spec.model), version=self.version)

    def last_scores(self, hashes: np.ndarray) -> np.ndarray:
        """Each hash's last acquisition score (-inf if never scored)."""
        return lookup_scores(self.scores, hashes)

    # -- training -----------------------------------------------------------
    def train(self, answers: list[dict[str, Any]]) -> dict[str, Any]:
        """Fine-tune on the accepted answers (held-out slice kept apart); evaluate; save."""
        accepted = [a for a in answers if a.get("answer") == "accept"
                    or a.get("answer") == "reject" and not is_complete(a)]
        held = [a for a in accepted if is_held_out(a, self.spec.eval_fraction)]
        train = [answer_to_example(self.nlp.vocab, a)
                 for a in accepted if not is_held_out(a, self.spec.eval_fraction)]
        report: dict[str, Any] = {"n_train": len(train), "n_dev": len(held)}
        if self.version == 0:
            self.watch_stop_set()  # the model before any update: the first kappa's baseline
        losses: dict[str, float] = {}
        rule = self.rule.for_model(fresh=self.untrained)
        result = fit(self.nlp, train, rule, seed=self.spec.seed * 1000 + self.version,
                     optimizer=self._optimizer, losses=losses)
        release_training_memory(self.nlp)  # before saving: no gradients under the copy
        report["train_seconds"] = round(result.seconds, 3)
        report["loss"] = round(losses.get("al_ner", 0.0), 4)
        self.version += 1
        report["version"] = self.version
        report.update(self.evaluate(held))
        report.update(self.watch_stop_set())
        if self.spec.output:
            report["saved_to"] = self.save(Path(self.spec.output), report)
        return report

    def stop_set(self) -> list[PoolItem]:
        """A fixed, seeded sample of the pool (by input hash) the stopping criterion watches."""
        if self._stop_hashes is None:  # chosen once: a pool that grows keeps its stop set
            hashes = (np.sort(self.items.hashes) if isinstance(self.items, ArrowItems)
                      else np.asarray(sorted(self.items), dtype=np.int64))
            if not len(hashes):
                return []
            n = min(self.spec.stop_set_size, len(hashes))
            chosen = np.random.default_rng(self.spec.seed).choice(len(hashes), size=n,
                                                                  replace=False)
            self._stop_hashes = hashes[np.sort(chosen)].tolist()
        return items_of(self.items, self._stop_hashes)

    def watch_stop_set(self) -> dict[str, Any]:
        """Tag the stop set with the current model and feed the stopping criterion."""
        items = self.stop_set()
        if not items:
            return {}
        docs = [item.make_doc(self.nlp.vocab) for item in items]
        tags, uncertainty = stop_set_tags(self.nlp, docs, batch_size=self.spec.score_batch_size)
        self.stopper.update(tags)
        stabilised = self.stopper.update_uncertainty(uncertainty)
        kappa = self.stopper.kappas[-1] if self.stopper.kappas else None
        return {"stop_kappa": None if kappa is None else round(kappa, 4),
                "stop_uncertainty": round(float(uncertainty.mean()), 4),
                "stabilised": bool(stabilised)}

    def evaluate(self, answers: list[dict[str, Any]]) -> dict[str, Any]:
        """F-score on complete answers; accuracy of the binary decisions on the others."""
        complete = [a for a in answers if is_complete(a)]
        binary = [a for a in answers if not is_complete(a)]
        result: dict[str, Any] = {"dev_f1": None, "dev_accuracy": None}
        if complete:
            examples = [answer_to_example(self.nlp.vocab, a) for a in complete]
            scores = self.nlp.evaluate(examples)
            result["dev_f1"] = round(float(scores.get("ents_f") or 0.0), 4)
        if binary:
            result["dev_accuracy"] = round(self._decision_accuracy(binary), 4)
        return result

    def _decision_accuracy(self, answers: list[dict[str, Any]]) -> float:
        docs = self.nlp.pipe(PoolItem(0, a["text"], a["tokens"]).make_doc(self.nlp.vocab)
                             for a in answers)
        right = 0
        for answer, doc in zip(answers, docs, strict=True):
            predicted = {(e.start, e.end - 1, e.label_) for e in doc.ents}
            span = (answer.get("spans") or [{}])[0]
            key = (span.get("token_start"), span.get("token_end"), span.get("label"))
            right += (key in predicted) == (answer.get("answer") == "accept")
        return right / len(answers)

    def save(self, output: Path, report: dict[str, Any]) -> str:
        """Write the pipeline to ``output``, replacing an older one only once complete."""
        output = output.expanduser().resolve()
        tmp = output.with_name(output.name + ".tmp")
        old = output.with_name(output.name + ".old")
        shutil.rmtree(tmp, ignore_errors=True)
        output.parent.mkdir(parents=True, exist_ok=True)
        self.nlp.meta.setdefault("spacy_al", {})["annotation_update"] = dict(report)
        self.nlp.to_disk(tmp)
        shutil.rmtree(old, ignore_errors=True)
        if output.exists():
            output.rename(old)
        tmp.rename(output)
        shutil.rmtree(old, ignore_errors=True)
        return str(output)
