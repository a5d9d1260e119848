"""Reading a service's ``GET /metrics`` in tests: the exposition text parsed by prometheus_client's own
parser, one sample's value by name and labels (0.0 when the sample is absent)."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def sample(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for item in family.samples:
            if item.name == name and all(item.labels.get(k) == v for k, v in labels.items()):
                return float(item.value)
    return 0.0


def label_values(text: str) -> set:
    """Every label value in the text (to check that none is personal data)."""
    return {value for family in text_string_to_metric_families(text) for item in family.samples
            for value in item.labels.values()}
