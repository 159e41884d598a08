"""The FAQ phrasings' embeddings, cached on disk by content so a restart or an edit re-embeds
only what changed (all 800-odd phrasings take ~13 s; one edited entry a fraction of a second).

The cache is one file per embedder in the instance folder: every phrasing's vector keyed by
the SHA-256 of its text. A new snapshot's vectors are filled from it at once when all are
there; otherwise the missing ones are embedded on a background thread (the matcher stays
lexical meanwhile) and the file is rewritten. A file lock lets one worker of several build
while the others wait for its file instead of all embedding at once.
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.knowledge.semantic import Embedder, PhrasingVectors

__all__ = ["finish_building", "phrasing_vectors"]

log = logging.getLogger(__name__)
BATCH = 16  # phrasings per model call: the lock is released between batches for live questions
BUILDER = "faq-vectors"  # the background thread's name


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path) as data:
            return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    except (OSError, KeyError, ValueError) as exc:
        if path.exists():
            log.warning("FAQ vector cache %s unreadable, rebuilding: %s", path, exc)
        return {}


def _write(path: Path, known: dict[str, np.ndarray]) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
    np.savez(tmp, keys=np.array(list(known)), vectors=np.stack(list(known.values())))
    os.replace(tmp, path)


def _fill(vectors: PhrasingVectors, path: Path) -> None:
    """Fill ``vectors`` from the cache, embedding (and caching) whatever it lacks."""
    keys = [_key(p) for p in vectors.phrasings]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker building the same set: wait for its file
        known = _read(path)
        missing = [i for i, k in enumerate(keys) if k not in known]
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            for i, row in zip(batch, vectors.embedder.embed([vectors.phrasings[i] for i in batch]),
                              strict=True):
                known[keys[i]] = row
        if missing:
            wanted = set(keys)
            _write(path, {k: v for k, v in known.items() if k in wanted})
    vectors.fill(np.stack([known[k] for k in keys]))
    if missing:
        log.info("FAQ vectors: embedded %d of %d phrasings", len(missing), len(keys))


def phrasing_vectors(
    embedder: Embedder, phrasings: Sequence[str], cache_dir: Path, *, background: bool = True
) -> PhrasingVectors:
    """Vectors of ``phrasings``, ready now if the cache has them all, else filled in the background."""
    vectors = PhrasingVectors(embedder, phrasings)
    path = Path(cache_dir) / f"faq-vectors-{embedder.name}.npz"
    known = _read(path)
    keys = [_key(p) for p in vectors.phrasings]
    if not keys:
        return vectors  # an FAQ with no phrasings: nothing to compare with
    if all(k in known for k in keys):
        vectors.fill(np.stack([known[k] for k in keys]))
        return vectors

    def build() -> None:
        try:
            _fill(vectors, path)
        except Exception:  # the matcher stays lexical; the next load tries again
            log.exception("FAQ vectors could not be built; answering lexically")

    if background:
        threading.Thread(target=build, name=BUILDER, daemon=True).start()
    else:
        build()
    return vectors


def finish_building() -> None:
    """Wait for the vectors being embedded in the background (built or failed). gunicorn --preload calls it
    before forking: a worker has no copy of the thread, so it would never get them."""
    for thread in threading.enumerate():
        if thread.name == BUILDER:
            thread.join()
