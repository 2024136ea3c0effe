"""How well each mastery method predicts the next response, on real knowledge-tracing data.

For every response of a test student, each method is computed from that student's earlier
responses on the same skill (scores 0/1 on a 0-1 scale, proficient = 1); the first response on
a skill gets the skill's mean in the training data. BKT is fitted on the training students
(ours, and pyBKT's C++ build when importable, e.g. under .venv-bench/bin/python). Prints AUC,
RMSE and log loss per data set and method; ``--json FILE`` writes them.

    .venv-bench/bin/python benchmarks/mastery_accuracy.py KT_FOLDER [--json out.json]
    .venv-bench/bin/python benchmarks/mastery_accuracy.py --data PATH [--data PATH ...]

KT_FOLDER is the knowledge-tracing data folder (it holds `pybkt/` and `dkvmn/`); the four
standard sets are read from it. `--data` evaluates other files instead.

Formats read: pyBKT-style CSV/TSV with a header (user_id / Anon Student Id, skill_name /
KC(Default), correct / Correct First Attempt, optional order_id / Row) and the 3-line
sequence format (length / skill ids / 0-1 responses, trailing commas allowed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
from pathlib import Path

import numpy as np
import polars as pl

import _common
from masterypath.engine import bkt, mastery, metrics

USER = ("user_id", "Anon Student Id", "student_id")
SKILL = ("skill_name", "KC(Default)", "skill_id", "skill")
CORRECT = ("correct", "Correct First Attempt")
ORDER = ("order_id", "Row", "order")


def read_three_line(path: Path) -> pl.DataFrame:
    lines = [line.strip().rstrip(",") for line in path.read_text().splitlines() if line.strip()]
    users, skills, corrects, orders = [], [], [], []
    for student, i in enumerate(range(0, len(lines) - 2, 3)):
        skill_ids = [s for s in lines[i + 1].split(",") if s != ""]
        answers = [int(float(a)) for a in lines[i + 2].split(",") if a != ""]
        users += [student] * len(answers)
        skills += skill_ids[: len(answers)]
        corrects += answers
        orders += list(range(len(answers)))
    return pl.DataFrame({"user": users, "skill": skills, "correct": corrects, "order": orders})


def read_any(path: Path) -> pl.DataFrame:
    first = path.read_text().split("\n", 1)[0].strip().rstrip(",")
    if first.isdigit():
        frame = read_three_line(path)
    else:
        separator = "\t" if "\t" in first else ","
        raw = pl.read_csv(path, separator=separator, infer_schema_length=0, quote_char='"')

        def pick(names: tuple[str, ...]) -> str | None:
            return next((n for n in names if n in raw.columns), None)

        user, skill, correct, order = pick(USER), pick(SKILL), pick(CORRECT), pick(ORDER)
        if user is None or skill is None or correct is None:
            raise SystemExit(f"{path}: need user, skill and correct columns")
        frame = raw.select(
            pl.col(user).alias("user"),
            pl.col(skill).alias("skill"),
            pl.col(correct).cast(pl.Float64).alias("correct"),
            (pl.col(order).cast(pl.Float64) if order else pl.int_range(pl.len())).alias("order"),
        ).drop_nulls()
    frame = frame.with_columns(
        pl.col("skill").cast(pl.String),
        pl.col("user").cast(pl.String),
        (pl.col("correct") >= 1).cast(pl.Int8),
    )
    # evidence order: by order within student (stable)
    return frame.with_row_index("__row").sort(["user", "order", "__row"]).drop("__row")


def split_students(frame: pl.DataFrame, seed: int = 42) -> tuple[pl.DataFrame, pl.DataFrame]:
    users = frame.get_column("user").unique().sort().to_numpy()
    test_users = set(np.random.default_rng(seed).permutation(users)[: int(0.2 * users.size)])
    is_test = frame.get_column("user").is_in(list(test_users))
    return frame.filter(~is_test), frame.filter(is_test)


SCALE = mastery.Scale(0.0, 1.0, 1.0)
METHODS: dict[str, mastery.MasteryConfig] = {
    "mean": mastery.MasteryConfig(method="mean", scale=SCALE),
    "highest": mastery.MasteryConfig(method="highest", scale=SCALE),
    "most_recent": mastery.MasteryConfig(method="most_recent", scale=SCALE),
    "median": mastery.MasteryConfig(method="median", scale=SCALE),
    "mode_of_last (k=3)": mastery.MasteryConfig(method="mode_of_last", k=3, scale=SCALE),
    "weighted_average (0.65)": mastery.MasteryConfig(method="weighted_average", scale=SCALE),
    "decaying_average (0.65)": mastery.MasteryConfig(method="decaying_average", scale=SCALE),
    "decaying_average (0.5)": mastery.MasteryConfig(
        method="decaying_average", weight=0.5, scale=SCALE
    ),
    "n_mastery (n=3)": mastery.MasteryConfig(method="n_mastery", n=3, scale=SCALE),
    "power_law": mastery.MasteryConfig(method="power_law", scale=SCALE),
    "best_fit": mastery.MasteryConfig(method="best_fit", scale=SCALE),
}


def sequence_predictions(
    test: pl.DataFrame, skill_mean: dict[str, float], overall: float, max_quadratic: int
) -> dict[str, np.ndarray]:
    """Each method's prediction of every test row from the earlier rows of its sequence.

    Uses ``mastery.running_values``; the first response of a sequence (no earlier rows, or
    no value, as n-mastery before n proficient scores) gets the skill's training mean.
    """
    frame = test.with_row_index("observed_at").select(
        pl.col("user").alias("student_id"),
        pl.col("skill").alias("target_id"),
        "observed_at",
        pl.col("correct").cast(pl.Float64).alias("score"),
    )
    prior = (
        test.get_column("skill")
        .replace_strict(skill_mean, default=overall, return_dtype=pl.Float64)
        .to_numpy()
    )
    longest = int(frame.group_by("student_id", "target_id").len()["len"].max() or 0)
    out: dict[str, np.ndarray] = {}
    for name, config in METHODS.items():
        if config.method in {"median", "mode_of_last", "best_fit"} and longest > max_quadratic:
            continue  # prefix by prefix: quadratic in the longest sequence
        running = mastery.running_values(frame, config=config)
        rows = running.get_column("observed_at").to_numpy()
        before = running.get_column("value_before").to_numpy().astype(np.float64)
        predictions = prior.copy()
        known = ~np.isnan(before)
        predictions[rows[known]] = before[known]
        out[name] = predictions
    return out


def evaluate(
    name: str, train: pl.DataFrame, test: pl.DataFrame, max_quadratic: int = 400
) -> dict[str, dict[str, float]]:
    started = time.perf_counter()
    skill_mean = dict(train.group_by("skill").agg(pl.col("correct").mean()).iter_rows())
    overall = float(train.get_column("correct").mean() or 0.5)  # type: ignore[arg-type]
    y = test.get_column("correct").to_numpy()
    predictions = sequence_predictions(test, skill_mean, overall, max_quadratic)
    rename = {"user": "student_id", "skill": "skill_id"}
    model = bkt.bkt_fit(train.rename(rename), order="order", seed=42)
    predictions["bkt (ours)"] = bkt.bkt_predict(test.rename(rename), model, order="order")[
        "p_correct"
    ].to_numpy()
    model_f = bkt.bkt_fit(train.rename(rename), order="order", seed=42, forgets=True)
    predictions["bkt with forgets (ours)"] = bkt.bkt_predict(
        test.rename(rename), model_f, order="order"
    )["p_correct"].to_numpy()
    with contextlib.suppress(ImportError):
        predictions.update(pybkt_predictions(train, test))
    results = {
        method: {
            "auc": metrics.auc(y, p),
            "rmse": metrics.rmse(y, p),
            "log_loss": metrics.log_loss(y, p),
        }
        for method, p in predictions.items()
    }
    print(
        f"\n### {name}: {train.height:,} train rows, {test.height:,} test rows "
        f"({time.perf_counter() - started:.0f} s)"
    )
    print("| method | AUC | RMSE | log loss |\n|---|---|---|---|")
    for method, r in results.items():
        print(f"| {method} | {r['auc']:.4f} | {r['rmse']:.4f} | {r['log_loss']:.4f} |")
    return results


def pybkt_predictions(train: pl.DataFrame, test: pl.DataFrame) -> dict[str, np.ndarray]:
    import pandas as pd
    from pyBKT.models import Model

    # skill names become plain codes: pyBKT matches skills with a regular expression
    codes = {s: f"s{i:04d}" for i, s in enumerate(sorted(set(train["skill"]) | set(test["skill"])))}
    out = {}
    for label, forgets in (("pyBKT", False), ("pyBKT with forgets", True)):
        frames = [
            pd.DataFrame(
                {
                    "order_id": np.arange(part.height),
                    "user_id": part["user"].to_numpy(),
                    "skill_name": [codes[s] for s in part["skill"].to_list()],
                    "correct": part["correct"].to_numpy().astype(int),
                }
            )
            for part in (train, test)
        ]
        model = Model(seed=42, num_fits=5)
        model.fit(data=frames[0], forgets=forgets)
        predicted = model.predict(data=frames[1]).set_index("order_id")["correct_predictions"]
        out[label] = predicted.reindex(np.arange(test.height)).to_numpy()
    return out


def standard_sets(kt: Path) -> list[tuple[str, pl.DataFrame, pl.DataFrame]]:
    """The four knowledge-tracing sets of folder `kt`, each as (name, train, test)."""
    sets = []
    frame = read_any(kt / "pybkt" / "as.csv")
    sets.append(("ASSISTments raw subset as.csv (80/20 students, seed 42)", *split_students(frame)))
    sets.append(
        (
            "ASSISTments 2009, DKT split (builder_*)",
            read_any(kt / "pybkt" / "builder_train.csv"),
            read_any(kt / "pybkt" / "builder_test.csv"),
        )
    )
    upd = kt / "dkvmn" / "assist2009_updated"
    sets.append(
        (
            "ASSISTments 2009 updated split",
            read_any(upd / "assist2009_updated_train.csv"),
            read_any(upd / "assist2009_updated_test.csv"),
        )
    )
    frame = read_any(kt / "pybkt" / "ct.tsv")
    sets.append(
        ("KDD Cup 2010 Algebra I subset ct.tsv (80/20 students, seed 42)", *split_students(frame))
    )
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "folder",
        type=Path,
        nargs="?",
        help="the knowledge-tracing data folder (holding pybkt/ and dkvmn/)",
    )
    parser.add_argument(
        "--data",
        type=Path,
        action="append",
        help="a data file (pyBKT-style CSV/TSV or 3-line); split 80/20 students",
    )
    parser.add_argument("--test", type=Path, help="with one --data: its test file")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if bool(args.folder) == bool(args.data):
        parser.error("give either the knowledge-tracing folder or --data files")
    if args.folder and not (args.folder / "pybkt").is_dir():
        parser.error(f"{args.folder} holds no pybkt/ folder: not the knowledge-tracing data")
    if args.data:
        sets = []
        for path in args.data:
            if args.test:
                sets.append((path.name, read_any(path), read_any(args.test)))
            else:
                name = f"{path.name} (80/20 students, seed 42)"
                sets.append((name, *split_students(read_any(path))))
    else:
        sets = standard_sets(args.folder)
    print(f"machine: {_common.machine()}")
    results = {name: evaluate(name, train, test) for name, train, test in sets}
    if args.json:
        args.json.write_text(
            json.dumps({"machine": _common.machine(), "results": results}, indent=2)
        )


if __name__ == "__main__":
    main()
