"""Synthetic catalogues for the speed benchmarks: valid, realistic-looking, reproducible.

Every generated entry is fictional (the arXiv ids start at 9001.00001 so they can never be
mistaken for real papers) and valid, so a benchmark measures the clean path.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

SYLLABLES = [
    "med", "bio", "clin", "rad", "path", "gen", "onco", "neuro", "derm", "chex", "vis", "cor",
    "lex", "tron", "nova", "sage", "lum", "qu", "zen", "ar", "ix", "ka", "ro", "ta", "vi", "lo",
]
WORDS = [
    "learning", "medical", "clinical", "models", "foundation", "language", "vision", "graph",
    "benchmark", "segmentation", "reports", "retrieval", "reasoning", "multimodal", "towards",
    "evaluating", "instruction", "tuning", "scalable", "radiology", "pathology", "molecular",
]
CATEGORIES = ["llm", "vlm", "3d", "multimodal", "graph"]
MODALITIES = ["text", "ehr", "chest-x-ray", "ct", "mri", "pathology", "molecule", "knowledge-graph"]
TASKS = ["question-answering", "report-generation", "segmentation", "classification", "retrieval"]


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        # Two random letters keep synthetic names as distinct as real ones usually are.
        name += "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(4)).upper()
        name += rng.choice(["", "", "-X", "Net", "GPT", "CLIP", "-Pro"])
        if name.lower() not in used:
            used.add(name.lower())
            return name


def _entry(kind: str, index: int, rng: random.Random, used: set[str], models: list[str], data: list[str], benches: list[str]) -> tuple[str, str]:
    name = _name(rng, used)
    entry_id = f"{kind[:2]}-{index:05d}-{name.lower().replace('-', '')}"
    # Data and benchmarks predate the models scored on them, as in a real catalogue.
    first_year = 2019 if kind in ("model", "survey") else 2012
    year, month, day = rng.randint(first_year, first_year + 6), rng.randint(1, 12), rng.randint(1, 28)
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 11))).capitalize()
    lines = [
        "# yaml-language-server: $schema=../../schema/entry.schema.json",
        "schema_version: 2",
        f"id: {entry_id}",
        f"kind: {kind}",
        f"name: {name}",
        f"categories: [{rng.choice(CATEGORIES)}]",
        "summary: >-",
        f"  {name} is a synthetic {kind} generated for the speed benchmark. It has no real",
        "  counterpart and exists only to exercise validation and rendering at scale.",
        f'date: "{year}-{month:02d}-{day:02d}"',
        "organizations: [Synthetic Lab]",
        "paper:",
        f'  title: "{name}: {title}"',
        "  authors: [Ada Lovelace, Alan Turing]",
        f"  year: {year}",
        f'  arxiv: "9{index // 100000:03d}.{index % 100000:05d}"',
        "links:",
        f"  code: https://example.org/{entry_id}",
        "license: MIT",
        f"access: {'open' if kind == 'model' else rng.choice(['open', 'credentialed'])}" if kind != "survey" else "",
        f"modalities: [{rng.choice(MODALITIES)}]",
        f"tasks: [{rng.choice(TASKS)}]",
        "languages: [en]",
    ]
    if kind == "model":
        sizes = sorted(rng.sample(["110M", "340M", "7B", "13B", "70B"], k=rng.randint(1, 2)))
        lines.append("variants:")
        lines += [f"  - {{name: {size}, parameters: {size}}}" for size in sizes]
        if models and rng.random() < 0.5:
            lines.append(f"base_models: [{rng.choice(models)}]")
        if data:
            lines.append(f"trained_on: [{rng.choice(data)}]")
        if benches:
            lines.append("results:")
            for bench in rng.sample(benches, k=min(3, len(benches))):
                lines += [
                    f"  - benchmark: {bench}",
                    "    metric: accuracy",
                    f"    value: {rng.uniform(30, 95):.1f}",
                    "    split: test",
                    f"    shots: {rng.choice([0, 5])}",
                    "    source: {paper: self, locator: Table 2}",
                ]
    elif kind == "dataset":
        lines.append(f"size: {rng.randint(1000, 900000):,} samples")
    elif kind == "benchmark":
        lines += ["metrics: [accuracy]", f"size: {rng.randint(100, 5000):,} questions"]
    elif kind == "survey":
        lines.append(f"covers: [{', '.join(rng.sample(models, k=min(5, len(models))))}]")
    return entry_id, "\n".join(line for line in lines if line) + "\n"


def write_catalogue(root: Path, count: int, seed: int = 7) -> Path:
    """Write a repository with ``count`` synthetic entries to ``root``; return ``root``."""
    repo = Path(__file__).resolve().parent.parent
    if root.exists():
        shutil.rmtree(root)
    (root / "entries").mkdir(parents=True)
    shutil.copy(repo / "taxonomy.yaml", root / "taxonomy.yaml")
    rng = random.Random(seed)
    used: set[str] = set()
    models: list[str] = []
    data: list[str] = []
    benches: list[str] = []
    # Data and benchmarks come first so that models can refer to them.
    plan = ["dataset"] * (count // 10) + ["benchmark"] * (count // 20) + ["survey"] * (count // 50)
    plan += ["model"] * (count - len(plan))
    for index, kind in enumerate(plan):
        entry_id, text = _entry(kind, index, rng, used, models, data, benches)
        {"model": models, "dataset": data, "benchmark": benches}.get(kind, []).append(entry_id)
        folder = root / "entries" / kind
        folder.mkdir(exist_ok=True)
        (folder / f"{entry_id}.yaml").write_text(text, encoding="utf-8")
    return root
