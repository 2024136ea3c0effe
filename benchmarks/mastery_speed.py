"""BKT fit + predict speed, memory and held-out AUC: ours against pyBKT (C++ build).

Synthetic BKT data (20 skills, 20-40 attempts per student and skill, last 20% of every sequence
held out), the true parameters drawn per skill over the whole range pyBKT allows (prior, learn,
guess and slip U(0.01, 0.99) with 1 - slip > guess; `--narrow` for the old tutor-like ranges).
Three fits in the same run, each in its own child process so that peak memory (ru_maxrss) is the
child's own; the data are generated once and read by every child from one .npz file:

- ours as shipped: 5 starts, each a short EM on a sample of 500 sequences per skill, the best
  one continued on every sequence;
- ours with five full restarts: each of the 5 starts runs EM on every sequence (as pyBKT does),
  the best one continued to convergence;
- pyBKT with its defaults (5 EM restarts on every sequence, no forgetting).

Also measures batch recompute throughput (rows/s) of every mastery method.

    .venv-bench/bin/python benchmarks/mastery_speed.py --students 10000 --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import _common

BENCH_PYTHON = _common.ROOT / ".venv-bench" / "bin" / "python"


FULL_SAMPLE = 2**31 - 1  # more sequences than any skill has: the "short" EM sees them all


def child_ours(path: str, workers: int, *, full_restarts: bool = False) -> dict[str, float]:
    import polars as pl

    from masterypath.engine import bkt, metrics

    started = time.perf_counter()
    data = np.load(path)
    frame = pl.DataFrame(
        {
            "student_id": data["user"],
            "skill_id": data["skill"],
            "correct": data["correct"],
            "order": data["order"],
        }
    )
    is_test = data["is_test"].astype(bool)
    train = frame.filter(pl.Series(~is_test))
    t0 = time.perf_counter()
    if full_restarts:
        model = bkt.bkt_fit(
            train,
            order="order",
            seed=42,
            workers=workers,
            restarts=5,
            sample=FULL_SAMPLE,
            short_iter=100,
        )
    else:
        model = bkt.bkt_fit(train, order="order", seed=42, workers=workers)
    t1 = time.perf_counter()
    predicted = bkt.bkt_predict(frame, model, order="order", workers=workers)
    t2 = time.perf_counter()
    p = predicted.get_column("p_correct").to_numpy()
    bounds = bkt.BktBounds()
    fits = [fit.params for fit in model.skills.values()]
    return {
        "fit_s": t1 - t0,
        "predict_s": t2 - t1,
        "process_s": t2 - started,
        "auc": metrics.auc(data["correct"][is_test], p[is_test]),
        # skills whose fitted guess or slip ended at the bound (a sign the bound binds)
        "at_bound": float(
            sum(
                1
                for params in fits
                if params.guess >= bounds.guess_max - 1e-6 or params.slip >= bounds.slip_max - 1e-6
            )
        ),
    }


def child_pybkt(path: str) -> dict[str, float]:
    import pandas as pd
    from pyBKT.models import Model

    from masterypath.engine import metrics

    started = time.perf_counter()
    data = np.load(path)
    names = np.array([f"s{k:03d}" for k in range(int(data["skill"].max()) + 1)])
    frame = pd.DataFrame(
        {
            "order_id": data["order"],
            "user_id": data["user"],
            "skill_name": names[data["skill"]],
            "correct": data["correct"],
        }
    )
    is_test = data["is_test"].astype(bool)
    train = frame[~is_test].copy()
    model = Model(seed=42, num_fits=5)
    t0 = time.perf_counter()
    model.fit(data=train)
    t1 = time.perf_counter()
    predicted = model.predict(data=frame)
    t2 = time.perf_counter()
    by_order = predicted.set_index("order_id")["correct_predictions"]
    p = by_order.reindex(data["order"]).to_numpy()
    return {
        "fit_s": t1 - t0,
        "predict_s": t2 - t1,
        "process_s": t2 - started,
        "auc": metrics.auc(data["correct"][is_test], p[is_test]),
    }


def run_child(python: Path | str, which: str, path: str, workers: int) -> dict[str, float]:
    command = [
        str(python),
        __file__,
        "--child",
        which,
        "--data-file",
        path,
        "--workers",
        str(workers),
    ]
    # the same number of threads for both: ours (workers) and pyBKT's OpenMP
    env = {**os.environ, "OMP_NUM_THREADS": str(workers)}
    started = time.perf_counter()
    output = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - started
    return result


def summarise(runs: list[dict[str, float]]) -> dict[str, float | list[float]]:
    summary: dict[str, float | list[float]] = {}
    for key in runs[0]:
        values = [run[key] for run in runs]
        summary[key] = statistics.median(values)
        summary[f"{key}_min"] = min(values)
        summary[f"{key}_max"] = max(values)
    return summary


def batch_throughput(students: int, repeats: int) -> dict[str, float]:
    import polars as pl

    from masterypath.engine import mastery

    data = _common.synthetic_bkt(students, seed=7)
    frame = pl.DataFrame(
        {
            "student_id": data["user"],
            "target_id": data["skill"],
            "observed_at": data["order"],
            "score": 1.0 + 3.0 * data["correct"].astype(np.float64),
        }
    )
    rates: dict[str, float] = {}
    for method in mastery.METHODS:
        config = mastery.MasteryConfig(method=method)
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            mastery.estimate(frame, config=config)
            times.append(time.perf_counter() - t0)
        rates[method] = frame.height / statistics.median(times)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="threads for ours and for pyBKT's OpenMP (OMP_NUM_THREADS)",
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--no-pybkt", action="store_true")
    parser.add_argument(
        "--batch-students",
        type=int,
        default=None,
        help="students for the batch rows/s table (default: --students)",
    )
    parser.add_argument(
        "--narrow",
        action="store_true",
        help="draw the true parameters from the old narrow ranges (guess at most 0.3)",
    )
    parser.add_argument("--child", choices=["ours", "ours_full", "pybkt"], help=argparse.SUPPRESS)
    parser.add_argument("--data-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = (
            child_ours(args.data_file, args.workers)
            if args.child == "ours"
            else child_ours(args.data_file, args.workers, full_restarts=True)
            if args.child == "ours_full"
            else child_pybkt(args.data_file)
        )
        result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    data = _common.synthetic_bkt(args.students, full_range=not args.narrow)
    rows = int(data["user"].size)
    true_over = int(np.sum((data["guess"] > 0.3) | (data["slip"] > 0.3)))
    have_pybkt = not args.no_pybkt and BENCH_PYTHON.exists()
    results: dict[str, object] = {
        "students": args.students,
        "rows": rows,
        "machine": _common.machine(),
        "runs": args.runs,
        "workers": args.workers,
        "parameters": "narrow" if args.narrow else "full range",
        "true_params": {
            name: [round(float(v), 4) for v in data[name]]
            for name in ("prior", "learn", "guess", "slip")
        },
        "skills_true_guess_or_slip_over_0.3": true_over,
        "load_average": os.getloadavg()[0],
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "data.npz")
        np.savez(path, **data)
        ours_runs, full_runs, pybkt_runs = [], [], []
        for _ in range(args.runs):
            ours_runs.append(run_child(sys.executable, "ours", path, args.workers))
            full_runs.append(run_child(sys.executable, "ours_full", path, args.workers))
            if have_pybkt:
                pybkt_runs.append(run_child(BENCH_PYTHON, "pybkt", path, args.workers))
    results["ours"] = summarise(ours_runs)
    results["ours_full"] = summarise(full_runs)
    if pybkt_runs:
        results["pybkt"] = summarise(pybkt_runs)
    print(
        f"synthetic BKT: {args.students:,} students, {rows:,} rows, 20 skills, true parameters "
        f"{results['parameters']} ({true_over} of 20 skills with guess or slip above 0.3); "
        f"medians of {args.runs} runs (min-max); {_common.machine()}, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print(
        "| tool | fit s | predict s | fit+predict s | whole process s | peak MiB | held-out AUC "
        "| skills at the 0.3 bound |"
    )
    print("|---|---|---|---|---|---|---|---|")
    labels = {
        "ours": "ours as shipped",
        "ours_full": "ours, five full restarts",
        "pybkt": "pyBKT (5 restarts)",
    }
    for name in ("ours", "ours_full", "pybkt"):
        summary = results.get(name)
        if not isinstance(summary, dict):
            continue

        def cell(key: str, s: dict[str, float] = summary) -> str:
            return f"{s[key]:.2f} ({s[key + '_min']:.2f}-{s[key + '_max']:.2f})"

        runs = {"ours": ours_runs, "ours_full": full_runs, "pybkt": pybkt_runs}[name]
        summary["fit_predict_s"] = statistics.median(r["fit_s"] + r["predict_s"] for r in runs)
        bound = f"{summary['at_bound']:.0f} of 20" if "at_bound" in summary else "(no bound)"
        print(
            f"| {labels[name]} | {cell('fit_s')} | {cell('predict_s')} | "
            f"{summary['fit_predict_s']:.2f} | {cell('process_s')} | "
            f"{summary['peak_mib']:.0f} | {summary['auc']:.4f} | {bound} |"
        )
    ref = results.get("pybkt")
    for name in ("ours", "ours_full"):
        ours = results.get(name)
        if not (isinstance(ours, dict) and isinstance(ref, dict)):
            continue
        ratios = {
            "fit_predict_speedup": ref["fit_predict_s"] / ours["fit_predict_s"],
            "process_speedup": ref["process_s"] / ours["process_s"],
            "memory_ratio": ours["peak_mib"] / ref["peak_mib"],
            "auc_difference": ours["auc"] - ref["auc"],
        }
        results["ratios" if name == "ours" else "ratios_full"] = ratios
        print(
            f"{labels[name]}: fit+predict {ratios['fit_predict_speedup']:.1f}x faster than "
            f"pyBKT, whole process {ratios['process_speedup']:.1f}x, memory "
            f"{ratios['memory_ratio']:.2f} of pyBKT's, AUC difference "
            f"{ratios['auc_difference']:+.4f}"
        )
    rates = batch_throughput(args.batch_students or args.students, repeats=3)
    results["batch_rows_per_s"] = rates
    print("\n| method | batch rows/s (estimate(), unsorted-safe, 1 thread) |\n|---|---|")
    for method, rate in rates.items():
        print(f"| {method} | {rate / 1e6:.1f}M |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
