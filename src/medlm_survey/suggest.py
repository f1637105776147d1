""""Did you mean" suggestions shared by the schema, the taxonomy and the cross-entry checks."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process, utils


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 70.0) -> str | None:
    """Return the closest choice to ``word`` when it is close enough to be a likely typo.

    Why: contributors misspell taxonomy terms and ids far more often than they invent new
    ones, so one concrete suggestion saves a trip to taxonomy.yaml.
    """
    choices = list(choices)
    if not word or not choices:
        return None
    match = process.extractOne(
        str(word), choices, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=cutoff
    )
    return match[0] if match else None


def hint(word: str, choices: Iterable[str], cutoff: float = 70.0) -> str:
    """``"; did you mean 'x'?"`` or an empty string."""
    best = did_you_mean(word, choices, cutoff)
    return f"; did you mean '{best}'?" if best else ""
