"""The pure computation layer of masterypath: numpy, polars and numba-compiled loops only.

Nothing here imports Django or another masterypath module, reads settings or the clock, or uses
global randomness (pass ``as_of`` and ``seed``). Modules:

* ``mastery``: every mastery calculation method, one sequence or a whole frame, with explanations
  and O(1) incremental state.
* ``bkt``: Bayesian knowledge tracing: EM fitting per skill and the forward filter.
* ``continuum``: roll-ups, continuum placement and growth (pace, projection, slowing down).
* ``metrics``: AUC, RMSE and log loss of next-response predictions.
"""
