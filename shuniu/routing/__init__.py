"""The routing engine: plans paper copies of documents among the leaders' calendars.

Pure Python, standard library only (no Django): `simulate(scenario, policy)` replays a scenario
online; `check.violations` and `check.metrics` judge a plan; `bounds.lower_bound` bounds the mean;
`exact.route_by` decides whether one document can still be done by a deadline.
"""

from shuniu.routing.check import metrics, violations
from shuniu.routing.model import Document, DocumentPlan, Leader, Plan, RoutingError, Scenario, Visit
from shuniu.routing.simulate import simulate

__all__ = [
    "Document",
    "DocumentPlan",
    "Leader",
    "Plan",
    "RoutingError",
    "Scenario",
    "Visit",
    "metrics",
    "simulate",
    "violations",
]
