"""Foreign keys point down the layers: no model refers to a model of a higher app."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model

ORDER = [
    "common",
    "jobs",
    "accounts",
    "schools",
    "continuum",
    "roster",
    "evidence",
    "mastery",
    "interventions",
    "plans",
    "resources",
    "reports",
    "case",
    "oneroster",
    "xapi",
    "api",
    "web",
    "demo",
]


def test_relations_point_to_the_same_or_a_lower_app() -> None:
    """The configured user model (settings.AUTH_USER_MODEL, referenced by name) is the one
    exception: who did something is recorded at every layer."""
    user_model = get_user_model()
    rank = {label: index for index, label in enumerate(ORDER)}
    upward = []
    for model in apps.get_models():
        source = model._meta.app_label
        if source not in rank:
            continue
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            if field.related_model is user_model:
                continue
            target = field.related_model._meta.app_label
            if target in rank and rank[target] > rank[source]:
                upward.append(f"{model.__name__}.{field.name} -> {target}")
    assert not upward, upward
