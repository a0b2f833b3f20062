"""🚨 Mission-Critical Issues: every finding that fails the check, one issue per operation,
written as a DBA's incident prevention note (what, where, how bad, why, what else is hit,
how to fix it, and the fixed code from `migsafe fix`)."""

from __future__ import annotations

from pathlib import Path

from migsafe.analysis.locks import CONFLICTS
from migsafe.report import backup
from migsafe.report.source import operation_source
from migsafe.report.text import count, join_words, location
from migsafe.report.topics import DATA_SAFETY, MODELS, QUERIES, topic

_SEVERITY = {
    "error": "Critical — production incident risk",
    "warning": "High — degraded service or a failed deploy is likely",
    "info": "Low — worth knowing before the deploy",
}
_PREVENTION = {
    DATA_SAFETY: "ship removals, renames and new constraints in two releases (code first, then the database "
                 "change), and take the backup as a deploy step",
    MODELS: "run `migsafe resolve --base {base}` before merging a branch whose migrations raced the main "
            "branch, and `makemigrations --check` in CI",
    QUERIES: "assert query counts in tests (`assertNumQueries`) for the views that list rows",
}
_DEFAULT_PREVENTION = ("keep a `lock_timeout` in every migration that takes ACCESS EXCLUSIVE on a table with "
                       "traffic, and build indexes and constraints with the non-blocking forms")


def _operation_key(finding):
    where = finding.location
    if finding.facts is None or where.operation_index is None:
        return None
    return (where.app_label, where.migration, where.operation_index)


def groups(review) -> list[list]:
    """Blocking findings, grouped per operation (other findings stand alone), in report order."""
    out: dict = {}
    for number, finding in enumerate(review.blockers):
        key = _operation_key(finding) or ("finding", number)
        out.setdefault(key, []).append(finding)
    return list(out.values())


def _title(findings) -> str:
    from migsafe.rules.registry import get

    where = findings[0].location
    titles = []
    for finding in findings:
        rule = get(finding.rule)
        label = f"{rule.title if rule else finding.message} ({finding.rule})"
        if label not in titles:
            titles.append(label)
    place = f"`{where.app_label}.{where.migration}`" if where.migration else location(where)
    return f"{'; '.join(titles)} — {place}"


def _location(review, findings) -> str:
    where = findings[0].location
    if findings[0].facts is None:
        return location(where)
    info = review.graph.migrations[(where.app_label, where.migration)]
    _, end = _source(info, where.line)
    span = f"{where.line}-{end}" if end and end != where.line else f"{where.line}"
    return f"`{where.file}:{span}` (operation {where.operation_index}: {where.operation})"


def _source(info, line):
    text = operation_source(info.path, line)
    return text, (line + text.count("\n") if text and line else None)


def _blocked_tables(facts) -> list[str]:
    return sorted(t for t in facts.locks if t not in facts.new_tables)


def _impact(facts) -> str:
    tables = join_words([f"`{t}`" for t in _blocked_tables(facts)])
    mode = facts.existing_lock_mode
    if facts.blocks_reads:
        sentences = [f"Every query on {tables} waits ({mode} lock)"]
    elif facts.blocks_writes:
        sentences = [f"Every INSERT, UPDATE and DELETE on {tables} waits ({mode} lock); reads continue"]
    else:
        sentences = [f"No query waits on its lock ({mode or 'no lock'} on tables with rows)"]
    if facts.rewrites_table:
        sentences.append("The wait lasts while PostgreSQL writes a new copy of the whole table: minutes to "
                         "hours on a large one")
    elif facts.scans_table and facts.blocks_writes:
        sentences.append("The wait lasts while PostgreSQL reads every row: it grows with the table")
    elif mode == "ACCESS EXCLUSIVE":
        sentences.append("The lock itself is brief, but it queues behind any running transaction and every "
                         "later query queues behind it")
    sentences += [reason[0].upper() + reason[1:] for reason in facts.reasons]
    return ". ".join(sentences) + "."


def _why(finding) -> str:
    from migsafe.rules.registry import get

    rule = get(finding.rule)
    return rule.why if rule else finding.message[0].upper() + finding.message[1:] + "."


def _root_cause(findings) -> str:
    from migsafe.rules.registry import get

    parts = []
    for finding in findings:
        rule = get(finding.rule)
        parts.append(f"{finding.rule}: {finding.message}. {rule.why if rule else ''}".strip())
    facts = findings[0].facts
    if facts is not None and facts.sql:
        parts.append("Django runs " + "; ".join(f"`{s}`" for s in facts.sql[:4])
                     + (f" and {len(facts.sql) - 4} more statements" if len(facts.sql) > 4 else "") + ".")
    return " ".join(parts)


def _blast_radius(review, findings) -> str:
    facts = findings[0].facts
    if facts is None:
        where = findings[0].location
        if topic(findings[0].rule) == MODELS:
            return f"Every environment that runs `migrate` for app `{where.app_label}`."
        return f"The queries written in {location(where)} and the pages that run them."
    parts = []
    for table in _blocked_tables(facts):
        mode = facts.locks[table]
        model = review.model_of(table)
        text = f"`{table}` ({mode})"
        if model:
            text += f", model `{model.label}`"
        if model and model.referenced_by and "ROW SHARE" in CONFLICTS.get(mode, ()):
            text += (" — and writes to " + join_words([f"`{t}`" for t in model.referenced_by])
                     + " that reference it, whose foreign-key checks wait too")
        parts.append(text)
    lost = [f"`{t}.{c}`" if c else f"`{t}` (every row)" for t, c in backup.targets(facts)]
    text = ("Tables: " + "; ".join(parts) + ".") if parts else "No table with rows is locked."
    if lost:
        text += f" Data destroyed: {join_words(lost)}."
    if facts.backward_incompatible:
        text += " Code of the previous release, still serving during a rolling deploy, fails on it."
    return text


def _fixed_by_plan(review, findings, changes) -> tuple[list, list]:
    """(findings `migsafe fix` rewrites, (finding, reason) it cannot)."""
    from migsafe.fix import fixable_rules

    fixable = fixable_rules()
    fixed, manual = [], []
    for finding in findings:
        skipped = review.skipped_for(finding)
        if skipped:
            manual.append((finding, skipped[0].reason))
        elif changes and finding.rule in fixable:
            fixed.append(finding)
        else:
            manual.append((finding, None))
    return fixed, manual


def _remediation(review, findings, changes, backups) -> list[str]:
    where = findings[0].location
    steps = []
    if backups:
        steps.append("Back up what the migration destroys, from production, before deploying (commands below).")
    fixed, manual = _fixed_by_plan(review, findings, changes)
    if fixed:
        names = [Path(c.path).name for c in changes if c.is_new]
        extra = f" and adds {join_words([f'`{n}`' for n in names])}" if names else ""
        steps.append(f"Run `migsafe fix {review.path} --app {where.app_label} --migration {where.migration} "
                     f"--write`: it rewrites the migration{extra}, which removes "
                     f"{join_words(sorted({f.rule for f in fixed}))}; review the diff below and commit it.")
        later = [n for n in names if n.endswith("_drop.py")]
        if later:
            steps.append(f"Move {join_words([f'`{n}`' for n in later])} to the next release: it drops the data "
                         "once no running code uses it.")
    for finding, reason in manual:
        why_not = f"`migsafe fix` cannot rewrite it ({reason}); " if reason else ""
        steps.append(f"{finding.rule}: {why_not}{review.concrete(finding.suggestion, finding).rstrip('.')} "
                     f"(docs/rules/{finding.rule}.md).")
    if where.migration:
        rules = join_words(sorted({f.rule for f in findings}))
        steps.append(f"Check again: `migsafe check {review.path} --app {where.app_label} --migration "
                     f"{where.migration}` must no longer report {rules}.")
    return steps


def _example(review, findings, changes, shown: dict, number: int, backups: list[str]) -> list[str]:
    where = findings[0].location
    out = []
    if findings[0].facts is not None:
        info = review.graph.migrations[(where.app_label, where.migration)]
        current, _ = _source(info, where.line)
        if current:
            out += [f"Current implementation (`{where.file}:{where.line}`):", "", "```python", current, "```", ""]
    elif where.migration:
        return [f"No code change inside one operation: {review.concrete(findings[0].suggestion, findings[0])}", ""]
    else:
        line = _line_at(review.root, where.file, where.line)
        if line:
            out += [f"Current implementation ({location(where)}):", "", "```python", line, "```", ""]
    key = (where.app_label, where.migration)
    if changes and key in shown:
        out += [f"Improved solution: the rewrite of this migration is shown in Issue {shown[key]}.", ""]
    elif changes:
        from migsafe.fix import unified_diff

        shown[key] = number
        out += ["Improved solution (`migsafe fix`):", "", "```diff", unified_diff(changes, root=review.root).rstrip(),
                "```", ""]
    else:
        out += ["Improved solution: `migsafe fix` has no rewrite for this; write it by hand as "
                + join_words([f"docs/rules/{r}.md" for r in sorted({f.rule for f in findings})]) + " shows.", ""]
    if backups:
        out += ["Additional safeguards (before the deploy):", "", "```bash", *backups, "```", ""]
    return out


def _line_at(root: Path, file: str | None, line: int | None) -> str | None:
    if not file or not line:
        return None
    try:
        return (root / file).read_text(encoding="utf-8").splitlines()[line - 1].strip() or None
    except (OSError, IndexError, UnicodeDecodeError):
        return None


def render(review) -> str:
    lines = ["## 🚨 Mission-Critical Issues (Deployment Blockers)", ""]
    found = groups(review)
    if not found:
        below = len(review.active)
        return "\n".join(lines + [f"None: no finding reaches fail-on `{review.result.fail_on}`"
                                  + (f"; the {count(below, 'finding')} below it are listed under Technical "
                                     "Improvement Opportunities." if below else ".")])
    shown: dict = {}
    for number, findings in enumerate(found, 1):
        where, facts = findings[0].location, findings[0].facts
        changes = review.changes.get((where.app_label, where.migration), []) if facts is not None else []
        backups = backup.commands(facts, review) if facts is not None else []
        worst = max(findings, key=lambda f: ("info", "warning", "error").index(f.severity))
        also = []
        if facts is not None:
            key = _operation_key(findings[0])
            also = [f for f in review.active if _operation_key(f) == key and f not in findings]
        severity = (f"{_SEVERITY[worst.severity]}: {join_words([f'{f.rule} ({f.severity})' for f in findings])} "
                    f"{'fails' if len(findings) == 1 else 'fail'} the check at fail-on `{review.result.fail_on}`")
        if also:
            severity += "; also on this operation: " + join_words([f"{f.rule} ({f.severity})" for f in also])
        impact = _impact(facts) if facts is not None else _why(worst)
        prevention = _PREVENTION.get(topic(worst.rule), _DEFAULT_PREVENTION).format(base=review.base)
        lines += [
            f"### Issue {number}: {_title(findings)}", "",
            f"- **Location**: {_location(review, findings)}",
            f"- **Impact**: {impact}",
            f"- **Technical Severity**: {severity}.",
            f"- **Root Cause**: {_root_cause(findings)}",
            f"- **Blast Radius**: {_blast_radius(review, findings)}",
            "- **Remediation Strategy**:",
            *[f"  {i}. {step}" for i, step in enumerate(_remediation(review, findings, changes, backups), 1)],
            f"- **Prevention Measures**: run `migsafe check --base {review.base}` on every pull request "
            f"(docs/ci.md) so {join_words(sorted({f.rule for f in findings}))} fails the build before merge; "
            f"{prevention}.",
            "- **Implementation Example**:", "",
            *_example(review, findings, changes, shown, number, backups),
        ]
    return "\n".join(lines).rstrip()
