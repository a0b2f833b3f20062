"""Which part of the review a finding belongs to: performance, data safety, query
efficiency, model quality or indexing.

Migration rules are placed by id; rules of other families (the code analysis, MS5xx) by
their family name, so a new family lands somewhere sensible without a change here.
"""

from __future__ import annotations

PERFORMANCE, DATA_SAFETY, QUERIES, MODELS, INDEXING = (
    "performance", "data_safety", "query_efficiency", "model_quality", "indexing")
TOPICS = (PERFORMANCE, DATA_SAFETY, QUERIES, MODELS, INDEXING)
TITLES = {PERFORMANCE: "Performance", DATA_SAFETY: "Data Safety", QUERIES: "Query Efficiency",
          MODELS: "Model Quality", INDEXING: "Indexing"}

_BY_RULE = {
    **dict.fromkeys(("MS101", "MS102", "MS105", "MS106", "MS107", "MS401", "MS404", "MS405", "MS406"),
                    PERFORMANCE),
    **dict.fromkeys(("MS103", "MS104", "MS108", "MS109"), INDEXING),
    **dict.fromkeys(("MS201", "MS202", "MS203", "MS204", "MS205", "MS206", "MS305", "MS402", "MS403"),
                    DATA_SAFETY),
    **dict.fromkeys(("MS301", "MS302", "MS303", "MS304", "MS306", "MS307", "MS308"), MODELS),
}
_BY_FAMILY_WORD = (("index", INDEXING), ("model", MODELS), ("quer", QUERIES), ("code", QUERIES),
                   ("lock", PERFORMANCE), ("data", DATA_SAFETY), ("compat", DATA_SAFETY))


def topic(rule_id: str) -> str:
    from migsafe.rules.registry import get

    if rule_id in _BY_RULE:
        return _BY_RULE[rule_id]
    rule = get(rule_id)
    family = (rule.family if rule else "").lower()
    for word, name in _BY_FAMILY_WORD:
        if word in family:
            return name
    return QUERIES if rule_id.upper().startswith("MS5") else MODELS


def code_rules_ran(ignored: set[str], name: str) -> bool:
    """Whether a rule reading the project's code (not its migrations) about NAME exists and
    was not ignored: without one, "no finding" means "not analysed"."""
    from migsafe.rules.registry import all_rules

    return any(topic(rule.id) == name and rule.id not in _BY_RULE for rule in all_rules() if rule.id not in ignored)
