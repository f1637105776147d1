"""A content-hash cache of per-file validation, so re-validating after one edit re-reads one file.

Each entry file's result (the validated entry or None, and its own problems) is stored under
the SHA-256 of the file's bytes. The whole cache is valid only for one *context*: the same
``taxonomy.yaml``, the same medlm-survey code, the same pydantic and the same "latest date
on Earth" (dates turn from future to past at midnight). Cross-entry checks always run on the
whole catalogue, so the diagnostics are identical with and without the cache.

The cache is a folder of pickle shards, ``.cache/validate/NN.pickle`` (git-ignored, safe to
delete): a file belongs to the shard of its path's hash, and only the shards whose files
changed are rewritten, so saving after one edit writes 1/32 of the cache (rewriting one
pickle of 10,000 entries took 0.5 s). Why pickle: it restores the validated pydantic objects
without validating them again, which is the point; it is only ever read from the
repository's own ``.cache/`` folder, written by this module.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

from medlm_survey.schema import SCHEMA_VERSION

CACHE_FILE = Path(".cache") / "validate"  # a folder of shards
SHARDS = 32
_FORMAT = 3


def _code_digest() -> str:
    """Hash of this package's Python sources: any code change empties the cache."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def context_key(taxonomy_bytes: bytes, latest_date: str) -> str:
    """Everything besides the file itself that a file's validation result depends on."""
    parts = [str(_FORMAT), str(SCHEMA_VERSION), pydantic.VERSION, latest_date, _code_digest()]
    digest = hashlib.sha256("\0".join(parts).encode())
    digest.update(taxonomy_bytes)
    return digest.hexdigest()


def file_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def shard_of(rel: str) -> int:
    """The shard a file's result is stored in (stable across runs and machines)."""
    return int.from_bytes(hashlib.sha1(rel.encode()).digest()[:4], "big") % SHARDS


@dataclass
class ValidationCache:
    """``{path: (file digest, result)}`` for one context key; see the module docstring."""

    path: Path
    key: str
    results: dict[str, tuple[str, Any]] = field(default_factory=dict)
    changed_shards: set[int] = field(default_factory=set)
    #: The near-duplicate check's memo of similar string pairs (checks.similar_pairs).
    pairs: dict = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.changed_shards)

    @classmethod
    def open(cls, path: Path, key: str) -> ValidationCache:
        """The cache in the folder ``path``, shard by shard: a shard written for another
        ``key`` (or missing, unreadable, from another version) counts as empty."""
        cache = cls(path, key)
        for shard in range(SHARDS):
            try:
                with (path / f"{shard:02d}.pickle").open("rb") as handle:
                    stored = pickle.load(handle)  # noqa: S301 - our own .cache file, see module docstring
                if isinstance(stored, dict) and stored.get("key") == key:
                    cache.results.update(stored["results"])
                    continue
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, KeyError, TypeError):
                pass
            cache.changed_shards.add(shard)
        try:
            with (path / "pairs.pickle").open("rb") as handle:
                stored = pickle.load(handle)  # noqa: S301 - our own .cache file, see module docstring
            if isinstance(stored, dict) and stored.get("key") == key:
                cache.pairs = stored["pairs"]
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, KeyError, TypeError):
            pass
        return cache

    def save_pairs(self) -> None:
        """Write the near-duplicate memo (after the cross-entry checks have filled it)."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=self.path, delete=False) as handle:
                pickle.dump({"key": self.key, "pairs": self.pairs}, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(handle.name, self.path / "pairs.pickle")
        except OSError:
            pass

    def get(self, rel: str, digest: str) -> Any | None:
        found = self.results.get(rel)
        return found[1] if found is not None and found[0] == digest else None

    def put(self, rel: str, digest: str, result: Any) -> None:
        self.results[rel] = (digest, result)
        self.changed_shards.add(shard_of(rel))

    def keep_only(self, paths: set[str]) -> None:
        """Forget files that no longer exist."""
        for rel in set(self.results) - paths:
            del self.results[rel]
            self.changed_shards.add(shard_of(rel))

    def save(self) -> None:
        """Rewrite the changed shards, each atomically; a failure to write only costs the
        next run its speed."""
        if not self.changed_shards:
            return
        by_shard: dict[int, dict[str, tuple[str, Any]]] = {shard: {} for shard in self.changed_shards}
        for rel, result in self.results.items():
            shard = shard_of(rel)
            if shard in by_shard:
                by_shard[shard][rel] = result
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            for shard, results in by_shard.items():
                with tempfile.NamedTemporaryFile("wb", dir=self.path, delete=False) as handle:
                    pickle.dump({"key": self.key, "results": results}, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(handle.name, self.path / f"{shard:02d}.pickle")
        except OSError:
            return
        self.changed_shards.clear()
