"""Mastery calculation methods: one evidence sequence, a whole frame, or one step at a time.

Scores are on the target's performance scale (``Scale``, e.g. 1-4 with 3 = proficient) and in
the order they were observed. Every method honours the same options:

* ``min_evidence``: fewer counted evidence rows give no value and status
  ``insufficient_evidence``.
* evidence weights: ``kind_weights`` (e.g. ``{"formative": 0}``), ``dok_weights`` (by depth of
  knowledge) and an explicit per-row weight multiply into one weight ``v_i``. Rows with
  ``v_i = 0`` are left out entirely (they neither count nor decay anything); other weights enter
  each formula as documented on the method.
* a teacher ``Override`` (professional judgement) is the result until counted evidence observed
  after it arrives.

Results can be explained (``explain``): evidence used, weight and share of each row, formula,
value. ``calculate`` gives the value for one sequence, ``estimate`` the same numbers for every
(student, target) group of a frame, vectorised, and ``update`` keeps O(1) state per group for
the recursive methods.

The methods are the members of ``Method`` (a ``StrEnum``: ``Method.BKT == "bkt"``); every
function that takes a method also takes its string. Modules: ``config`` (methods, scale,
``MasteryConfig``, ``Override``), ``methods`` (each method on one sequence), ``explanations``
(``calculate``, ``explain``), ``incremental`` (``MasteryState``, ``update``), ``batch``
(``estimate``), ``running`` (``running_values``). Import from this package: the names below
are its public interface.
"""

from masterypath.engine.mastery.batch import WEIGHTED_METHODS, calculate_batch, estimate
from masterypath.engine.mastery.config import (
    METHODS,
    ORDER_INVARIANT_METHODS,
    RECURSIVE_METHODS,
    MasteryConfig,
    Method,
    Override,
    Scale,
    Status,
    method_of,
)
from masterypath.engine.mastery.explanations import (
    FORMULAS,
    EvidenceUse,
    Explanation,
    calculate,
    explain,
)
from masterypath.engine.mastery.incremental import (
    MasteryState,
    initial_state,
    set_override,
    state_value,
    update,
)
from masterypath.engine.mastery.methods import (
    best_fit,
    best_fit_models,
    decaying_average,
    highest,
    mean,
    median,
    mode_of_last,
    most_recent,
    n_mastery,
    power_law,
    power_law_fit,
    weighted_average,
)
from masterypath.engine.mastery.running import running_values

__all__ = [
    "FORMULAS",
    "METHODS",
    "ORDER_INVARIANT_METHODS",
    "RECURSIVE_METHODS",
    "WEIGHTED_METHODS",
    "EvidenceUse",
    "Explanation",
    "MasteryConfig",
    "MasteryState",
    "Method",
    "Override",
    "Scale",
    "Status",
    "best_fit",
    "best_fit_models",
    "calculate",
    "calculate_batch",
    "decaying_average",
    "estimate",
    "explain",
    "highest",
    "initial_state",
    "mean",
    "median",
    "method_of",
    "mode_of_last",
    "most_recent",
    "n_mastery",
    "power_law",
    "power_law_fit",
    "running_values",
    "set_override",
    "state_value",
    "update",
    "weighted_average",
]
