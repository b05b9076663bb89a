"""A Hugging Face encoder as a thinc layer: ``List[Doc] -> List[Floats2d]``, one row per token.

Sub-word pieces are mapped to spaCy tokens (``first`` piece or ``mean`` of the
pieces). Docs longer than the encoder's maximum length are cut into windows of
whole tokens, so nothing is truncated. A small casing embedding is appended to
every token vector, because many encoders (the embedded default included) are
uncased and NER relies on capitalisation.

The encoder weights are loaded only in ``initialize`` (from a hub name or a
local path). Serialisation stores the HF config and tokenizer files inside the
thinc model bytes (see :class:`HFBundle`), so ``spacy.load`` rebuilds the
encoder offline from the pipeline folder alone.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy
import srsly
import torch
from spacy.tokens import Doc
from thinc.api import (
    Model,
    NumpyOps,
    PyTorchShim,
    deserialize_attr,
    serialize_attr,
    torch2xp,
    xp2torch,
)
from thinc.types import Floats2d

from .casing import N_CASING_CLASSES, casing_ids
from .embedded import resolve_model_name
from .frozen_layers import (
    LowerStates,
    check_frozen_layers,
    freeze,
    frozen_modules,
    lower_pass,
    upper_pass,
)
from .quantize import forget, quantized_copy
from .windows import PieceBatch, PieceCache, build_piece_batch, pad_rows

CHUNK_PIECES = 4096
"""Padded pieces per encoder call: bounds memory and keeps rows of similar length together."""


@dataclass
class HFBundle:
    """The tokenizer and config of a transformer (weights live in the torch shim)."""

    tokenizer: Any = None
    config: Any = None
    files: dict[str, bytes] = field(default_factory=dict)
    pieces: PieceCache = field(default_factory=PieceCache)
    """The pieces of the sentences this encoder has seen (never serialised)."""
    lower: LowerStates = field(default_factory=LowerStates)
    """The frozen lower layers' output for the rows seen (``frozen_layers``; never serialised)."""

    @property
    def loaded(self) -> bool:
        return self.tokenizer is not None


LowerPass = Callable[[list[list[int]], torch.Tensor, torch.Tensor], torch.Tensor]
"""The states after the frozen layers of padded rows: ``(rows, input_ids, mask) -> hidden``."""


class TokenEncoder(torch.nn.Module):
    """Transformer + casing embedding, pooled from pieces to tokens. With ``frozen_layers``
    the embeddings and that many lower layers are frozen (no gradient, no dropout) and
    ``forward`` takes their output from a ``lower`` pass (:mod:`.frozen_layers`)."""

    def __init__(self, transformer: torch.nn.Module, casing_width: int, pooling: str,
                 frozen_layers: int = 0, name: str = "") -> None:
        super().__init__()
        self.transformer = transformer
        self.casing = torch.nn.Embedding(N_CASING_CLASSES, casing_width) if casing_width else None
        self.pooling = pooling
        self.frozen_layers = frozen_layers
        if frozen_layers:
            check_frozen_layers(transformer, frozen_layers, name)
            freeze(transformer, frozen_layers)

    def train(self, mode: bool = True) -> TokenEncoder:
        super().train(mode)
        for module in self._frozen():
            module.eval()
        return self

    def _frozen(self) -> list[torch.nn.Module]:
        return frozen_modules(self.transformer, self.frozen_layers) if self.frozen_layers else []

    def lower_states(self, input_ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """The frozen part's output for padded rows (the embeddings, then the lower layers)."""
        return lower_pass(self.transformer, self.frozen_layers, input_ids, mask)

    @property
    def device(self) -> torch.device:
        """Where the weights are (the GPU once thinc uses it, see :func:`_install`)."""
        return next(self.parameters()).device

    def forward(self, batch: PieceBatch, tokenizer: Any, chunk_pieces: int,
                lower: LowerPass | None = None) -> torch.Tensor:
        flat = self._encode_pieces(batch, tokenizer, chunk_pieces, lower)
        device = flat.device
        if self.pooling == "first":
            tokens = flat[batch.first_piece.to(device)]
        else:
            summed = torch.zeros(batch.n_tokens, flat.shape[-1], dtype=flat.dtype, device=device)
            summed = summed.index_add(0, batch.piece_token.to(device), flat)
            tokens = summed / batch.piece_counts.to(device)[:, None]
        if self.casing is not None and batch.casing is not None:
            tokens = torch.cat([tokens, self.casing(batch.casing.to(device))], dim=-1)
        return tokens

    def _encode_pieces(self, batch: PieceBatch, tokenizer: Any, chunk_pieces: int,
                       lower: LowerPass | None) -> torch.Tensor:
        """Hidden state of every piece, in piece order. Rows run in chunks of similar
        length, so little compute goes to padding."""
        outputs, targets = [], []
        device = self.device
        for chunk in batch.chunks(chunk_pieces):
            rows = [batch.rows[r] for r in chunk]
            input_ids, mask = (t.to(device) for t in pad_rows(rows, tokenizer))
            hidden = self._encode_rows(rows, input_ids, mask, lower)
            keep = mask.clone()
            keep[:, 0] = 0
            keep[torch.arange(len(rows), device=device), mask.sum(1) - 1] = 0  # [CLS], [SEP]
            outputs.append(hidden[keep.bool()])
            targets += [batch.row_offsets[r] + k for r in chunk for k in range(len(batch.rows[r]))]
        gathered = torch.cat(outputs)
        index = torch.tensor(targets, dtype=torch.long, device=device)
        return torch.zeros_like(gathered).index_copy(0, index, gathered)

    def _encode_rows(self, rows: list[list[int]], input_ids: torch.Tensor, mask: torch.Tensor,
                     lower: LowerPass | None) -> torch.Tensor:
        if not self.frozen_layers:
            return self.transformer(input_ids=input_ids, attention_mask=mask).last_hidden_state
        hidden = (lower or _direct(self))(rows, input_ids, mask)
        return upper_pass(self.transformer, self.frozen_layers, hidden, mask)


def _direct(module: TokenEncoder) -> LowerPass:
    """The lower pass of ``module`` itself, nothing kept."""
    return lambda rows, input_ids, mask: module.lower_states(input_ids, mask)


def HFTokenEncoder(
    name: str,
    *,
    pooling: str = "first",
    casing_width: int = 16,
    window: int = 0,
    quantize: bool = False,
    mixed_precision: bool = False,
    frozen_layers: int = 0,
) -> Model[list[Doc], list[Floats2d]]:
    """Thinc layer around a Hugging Face encoder (weights loaded in ``initialize``).

    With ``quantize`` deterministic predictions run on an int8 copy of the encoder
    (:mod:`.quantize`); training and MC-dropout sampling use the fp32 weights. With
    ``mixed_precision`` training steps run the encoder under bfloat16 autocast (fp32
    weights and optimizer; predictions stay fp32 or int8). With ``frozen_layers`` the
    embeddings and that many lower layers keep their pretrained weights, and their output
    is computed once per sentence (:mod:`.frozen_layers`).
    """
    if pooling not in ("first", "mean"):
        raise ValueError(f"pooling must be 'first' or 'mean', not {pooling!r}")
    return Model(
        "hf_token_encoder",
        _forward,
        init=_init,
        dims={"nO": None},
        attrs={
            "name": name,
            "pooling": pooling,
            "casing_width": casing_width,
            "window": window,
            "quantize": ConfigFlag(quantize),
            "mixed_precision": ConfigFlag(mixed_precision),
            "frozen_layers": frozen_layers,
            "dropout_rate": 0.1,
            "mc_sampling": False,
            "hf": HFBundle(),
        },
    )


def _init(model: Model, X: Any = None, Y: Any = None) -> None:
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    if model.attrs["hf"].loaded:
        return
    source = resolve_model_name(model.attrs["name"])
    bundle = HFBundle(
        tokenizer=AutoTokenizer.from_pretrained(source),
        config=AutoConfig.from_pretrained(source),
    )
    _install(model, bundle, AutoModel.from_pretrained(source))


def _install(model: Model, bundle: HFBundle, transformer: torch.nn.Module) -> None:
    module = TokenEncoder(transformer, model.attrs["casing_width"], model.attrs["pooling"],
                          model.attrs.get("frozen_layers", 0), model.attrs["name"])
    if not isinstance(model.ops, NumpyOps):  # spacy.require_gpu(): thinc's arrays are on the GPU
        module = module.to(torch.device("cuda"))
    model.attrs["hf"] = bundle
    model.set_dim("nO", bundle.config.hidden_size + model.attrs["casing_width"])
    if model.shims:
        model.shims[0]._model = module
    else:
        model.shims.append(PyTorchShim(module))


def _module(model: Model) -> TokenEncoder:
    if not model.shims:
        raise ValueError("The transformer is not loaded: initialize the pipeline or load it.")
    return model.shims[0]._model


def _max_pieces(model: Model) -> int:
    config = model.attrs["hf"].config
    limit = min(getattr(config, "max_position_embeddings", 512), 512)
    window = model.attrs["window"]
    return (min(window, limit) if window else limit) - 2


def _forward(model: Model, docs: list[Doc], is_train: bool):
    module = _module(model)
    bundle = model.attrs["hf"]
    batch = build_piece_batch(docs, bundle.tokenizer, _max_pieces(model), bundle.pieces)
    batch.casing = torch.as_tensor(casing_ids(docs), dtype=torch.long)
    rate = model.attrs["dropout_rate"]
    for sub in module.modules():
        if isinstance(sub, torch.nn.Dropout):
            sub.p = rate
    lengths = [len(doc) for doc in docs]
    grad_enabled = is_train and not model.attrs["mc_sampling"]
    module.train(is_train or model.attrs["mc_sampling"])
    runner: torch.nn.Module = module
    if is_train:
        forget(module)
    elif _flag(model, "quantize") and not model.attrs["mc_sampling"] and _on_cpu(module):
        runner = quantized_copy(module)
    if batch.n_tokens == 0:
        outputs = torch.zeros((0, model.get_dim("nO")))
    else:
        bf16 = grad_enabled and _flag(model, "mixed_precision")
        with torch.set_grad_enabled(grad_enabled), torch.autocast(
                module.device.type, dtype=torch.bfloat16, enabled=bf16):
            outputs = runner(batch, bundle.tokenizer, CHUNK_PIECES, _kept_lower(module, bundle))
        outputs = outputs.float()
    array = torch2xp(outputs.detach())
    splits = numpy.cumsum(lengths)[:-1]
    Y = [model.ops.asarray2f(part) for part in model.ops.xp.split(array, splits)]

    def backprop(dY: list[Floats2d]) -> list[Doc]:
        if grad_enabled and batch.n_tokens:
            grads = xp2torch(model.ops.xp.concatenate(dY, axis=0))
            torch.autograd.backward(outputs, grad_tensors=grads)
        return []

    return Y, backprop


def _kept_lower(module: TokenEncoder, bundle: HFBundle) -> LowerPass | None:
    """The lower pass through the bundle's kept states, computed by the fp32 ``module``
    (whichever copy runs the upper layers)."""
    if not module.frozen_layers:
        return None
    return lambda rows, input_ids, mask: bundle.lower.of(rows, input_ids, mask,
                                                         module.lower_states)


@dataclass(frozen=True)
class ConfigFlag:
    """A prediction setting taken from the config, never from saved weights: loading
    a pipeline keeps the value the config asks for (e.g. ``quantize = true``
    overridden in ``spacy.load(..., config=...)``)."""

    value: bool

    def __bool__(self) -> bool:
        return self.value


def _on_cpu(module: TokenEncoder) -> bool:
    """int8 dynamic quantization is a CPU kernel: on a GPU the fp32 weights predict."""
    return module.device.type == "cpu"


def _flag(model: Model, name: str) -> bool:
    return bool(model.attrs.get(name, False))


@serialize_attr.register(ConfigFlag)
def _serialize_flag(_: ConfigFlag, value: ConfigFlag, name: str, model: Model) -> bytes:
    return srsly.msgpack_dumps(bool(value))


@deserialize_attr.register(ConfigFlag)
def _deserialize_flag(current: ConfigFlag, value: bytes, name: str, model: Model) -> ConfigFlag:
    return current


@serialize_attr.register(HFBundle)
def _serialize_bundle(_: HFBundle, value: HFBundle, name: str, model: Model) -> bytes:
    if not value.loaded:
        raise TypeError("an unloaded transformer has nothing to serialise")
    if not value.files:
        with tempfile.TemporaryDirectory() as tmp:
            value.config.save_pretrained(tmp)
            value.tokenizer.save_pretrained(tmp)
            value.files = {p.name: p.read_bytes() for p in Path(tmp).iterdir() if p.is_file()}
    return srsly.msgpack_dumps(value.files)


@deserialize_attr.register(HFBundle)
def _deserialize_bundle(_: HFBundle, value: bytes, name: str, model: Model) -> HFBundle:
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    files: dict[str, bytes] = srsly.msgpack_loads(value)
    with tempfile.TemporaryDirectory() as tmp:
        for fname, data in files.items():
            (Path(tmp) / fname).write_bytes(data)
        bundle = HFBundle(
            tokenizer=AutoTokenizer.from_pretrained(tmp),
            config=AutoConfig.from_pretrained(tmp),
            files=files,
        )
    _install(model, bundle, AutoModel.from_config(bundle.config))
    return bundle


@contextmanager
def int8_prediction(model: Model, enabled: bool = True) -> Iterator[None]:
    """Predict with (or without) the int8 copy of every transformer encoder under ``model``
    for the duration of the block, whatever the config says (e.g. int8 pool scoring
    beside fp32 evaluation); the config's value comes back afterwards."""
    nodes = [node for node in model.walk() if "quantize" in node.attrs]
    saved = [node.attrs["quantize"] for node in nodes]
    try:
        for node in nodes:
            node.attrs["quantize"] = ConfigFlag(enabled)
        yield
    finally:
        for node, value in zip(nodes, saved, strict=True):
            node.attrs["quantize"] = value
