"""`masterypath method-report [--district ...]`: which method predicts the next score best."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from masterypath.engine.evaluation import ranked
from masterypath.mastery.management.commands.recompute import district_argument
from masterypath.mastery.selectors import method_comparison_for_district


class Command(BaseCommand):
    help = (
        "On the district's own evidence, how well each mastery method predicts each next "
        "score (AUC of proficient next, RMSE on the scale)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", help="District id or exact name (default: all).")
        parser.add_argument("--json", action="store_true", help="Print JSON instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        report: dict[str, list[dict[str, Any]]] = {}
        for district in district_argument(options["district"]):
            scores = method_comparison_for_district(district=district)
            report[district.name] = [
                {"method": s.method, "auc": s.auc, "rmse": s.rmse, "n": s.n_predictions}
                for s in ranked(scores)
            ]
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        for name, rows in report.items():
            self.stdout.write(f"{name}: one-step-ahead prediction of each next score")
            if not rows:
                self.stdout.write("  Not enough evidence: no target has two scores yet.")
                continue
            outcomes = max(row["n"] for row in rows)
            self.stdout.write(
                f"  {'method':<18} {'AUC':>6} {'RMSE':>6} {'predictions':>12} {'share':>6}"
            )
            for row in rows:
                rmse = f"{row['rmse']:.3f}" if row["rmse"] is not None else "   -"
                self.stdout.write(
                    f"  {row['method']:<18} {row['auc']:.3f} {rmse:>6} {row['n']:>12,} "
                    f"{row['n'] / outcomes:>6.0%}"
                )
            if any(row["n"] < outcomes for row in rows):
                self.stdout.write(
                    "  A share under 100% means the method gave no value before some scores "
                    "(n-mastery waits for n proficient ones); its AUC covers only those it "
                    "predicted, so it is listed after the methods that predict nearly all."
                )
