"""Helpers shared by the benchmark scripts: engine import path, synthetic data, metrics."""

from __future__ import annotations

import platform
import sys
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    # `pip install -e .` is not required: the engine is pure numpy/polars
    sys.path.insert(0, str(ROOT / "src"))


def machine() -> str:
    import os

    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}"
    )


def synthetic_bkt(
    students: int,
    skills: int = 20,
    min_attempts: int = 20,
    max_attempts: int = 40,
    seed: int = 42,
    full_range: bool = False,
) -> dict[str, NDArray[np.int32] | NDArray[np.int64] | NDArray[np.int8] | NDArray[np.float64]]:
    """Responses drawn from BKT itself, rows sorted by (student, skill, attempt).

    Every (student, skill) gets 20-40 attempts; per skill the true parameters are drawn once.
    ``full_range``: over the whole range pyBKT allows, each of prior, learn, guess and slip
    U(0.01, 0.99), redrawn until 1 - slip > guess (a student who knows the skill answers
    correctly more often than one who does not: otherwise "known" and "unknown" swap names
    and no fit can tell them apart). Else the narrow ranges of a typical tutor: prior
    U(0.1, 0.5), learn U(0.05, 0.3), guess U(0.1, 0.3), slip U(0.05, 0.2) (which never
    reaches a guess/slip bound of 0.3).
    Returns arrays: user, skill, attempt, correct, order, is_test (last 20% of each sequence),
    and the true parameters per skill.
    """
    rng = np.random.default_rng(seed)
    if full_range:
        prior = rng.uniform(0.01, 0.99, skills)
        learn = rng.uniform(0.01, 0.99, skills)
        guess = rng.uniform(0.01, 0.99, skills)
        slip = rng.uniform(0.01, 0.99, skills)
        swapped = 1.0 - slip <= guess
        while swapped.any():
            guess[swapped] = rng.uniform(0.01, 0.99, int(swapped.sum()))
            slip[swapped] = rng.uniform(0.01, 0.99, int(swapped.sum()))
            swapped = 1.0 - slip <= guess
    else:
        prior = rng.uniform(0.1, 0.5, skills)
        learn = rng.uniform(0.05, 0.3, skills)
        guess = rng.uniform(0.1, 0.3, skills)
        slip = rng.uniform(0.05, 0.2, skills)
    n_seq = students * skills
    lengths = rng.integers(min_attempts, max_attempts + 1, n_seq)
    seq_user = np.repeat(np.arange(students, dtype=np.int64), skills)
    seq_skill = np.tile(np.arange(skills, dtype=np.int64), students)
    # step at which the student knows the skill: 0 if known at the start, else 1 + geometric
    known_at_start = rng.random(n_seq) < prior[seq_skill]
    learned_at = np.where(known_at_start, 0, rng.geometric(learn[seq_skill]))
    total = int(lengths.sum())
    owner = np.repeat(np.arange(n_seq), lengths)
    first = np.zeros(n_seq, dtype=np.int64)
    np.cumsum(lengths[:-1], out=first[1:])
    attempt = np.arange(total, dtype=np.int64) - first[owner]
    knows = attempt >= learned_at[owner]
    row_skill = seq_skill[owner]
    p_correct = np.where(knows, 1.0 - slip[row_skill], guess[row_skill])
    correct = (rng.random(total) < p_correct).astype(np.int8)
    is_test = attempt >= np.ceil(0.8 * lengths[owner]).astype(np.int64)
    return {
        "user": seq_user[owner].astype(np.int32),
        "skill": row_skill.astype(np.int32),
        "attempt": attempt.astype(np.int32),
        "correct": correct,
        "order": np.arange(total, dtype=np.int32 if total < 2**31 else np.int64),
        "is_test": is_test.astype(np.int8),
        "prior": prior,
        "learn": learn,
        "guess": guess,
        "slip": slip,
    }
