"""⚠️ Technical Improvement Opportunities: findings below fail-on, and what the models show,
grouped as a DBA would read them (indexing, queries, locking, integrity, history)."""

from __future__ import annotations

from migsafe.report.checklist import unindexed
from migsafe.report.text import count, listing, location, severities
from migsafe.report.topics import DATA_SAFETY, INDEXING, MODELS, PERFORMANCE, QUERIES, topic

_HEADINGS = ((INDEXING, "Schema & Indexing"), (QUERIES, "Query Optimization"),
             (PERFORMANCE, "Locking & Deployment"), (DATA_SAFETY, "Data Integrity & Security"),
             (MODELS, "Migration History & Models"))


def _by_rule(review, findings) -> list[str]:
    from migsafe.rules.registry import get

    rules: dict[str, list] = {}
    for finding in findings:
        rules.setdefault(finding.rule, []).append(finding)
    out = []
    for rule_id, found in sorted(rules.items()):
        rule = get(rule_id)
        title = rule.title if rule else found[0].message
        places = listing([location(f.location) for f in found], limit=12)
        out.append(f"- **{rule_id}** {title} ({severities(found)}): {places}. Fix: {review.concrete(found[0].suggestion, found[0] if len(found) == 1 else None)}")
    return out


def _extras(review, name: str) -> list[str]:
    """What the model inventory adds to a group."""
    if name == INDEXING:
        missing = unindexed(review)
        if missing:
            return [f"- **Unindexed foreign keys** ({len(missing)}): "
                    + listing([f"`{m.label}.{fk.name}` (`{m.table}.{fk.column}`)" for m, fk in missing], 12)
                    + ". Joins and ON DELETE cascades on them scan the table: add an index (concurrently)."]
    if name == QUERIES and not review.query_rules:
        return ["- Not analysed: no query rule is installed or enabled, so N+1 queries went unchecked."]
    if name == MODELS:
        bare = [m for m in review.project_models if not m.documented]
        if bare:
            return [f"- **Models without a docstring** ({len(bare)}): "
                    + listing([f"`{m.label}` (`{m.file}:{m.line}`)" if m.file else f"`{m.label}`" for m in bare], 12)
                    + ". Say what each holds and who writes it."]
    return []


def render(review) -> str:
    blocking = {id(f) for f in review.blockers}
    rest = [f for f in review.active if id(f) not in blocking]
    lines = ["## ⚠️ Technical Improvement Opportunities", ""]
    if rest:
        lines += [f"{count(len(rest), 'finding')} below fail-on `{review.result.fail_on}` ({severities(rest)}).", ""]
    for name, heading in _HEADINGS:
        items = _by_rule(review, [f for f in rest if topic(f.rule) == name]) + _extras(review, name)
        lines += [f"### {heading}", ""] + (items or ["No finding."]) + [""]
    return "\n".join(lines).rstrip()
