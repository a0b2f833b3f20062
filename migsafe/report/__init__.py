"""`migsafe report`: the database review a senior DBA would write, from the analysis alone.

One Markdown file, ``database-review-YYYY-MM-DD.md``, in the structure teams already use
for database reviews: summary, good patterns, mission-critical issues (with the fixed code
from `migsafe fix`), improvement opportunities, tasks and the quality checklist. Every
sentence is computed from the check, the planned rewrites and the models; a section with
nothing to say says so in one line. Nothing but the report is written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from migsafe import __version__
from migsafe.report import checklist, issues, opportunities, patterns, summary, tables, tasks
from migsafe.report.review import Review, gather
from migsafe.report.text import count, join_words


def filename(today: date) -> str:
    return f"database-review-{today.isoformat()}.md"


def _header(review: Review) -> str:
    result = review.result
    status = "fails" if result.failing() else "passes"
    if result.static:
        return "\n".join([
            "# 🗄️ Database & ORM Review",
            "",
            f"Project `{review.path}`, reviewed by migsafe {__version__} on {review.today.isoformat()} from its "
            f"migration files alone: {count(result.checked_migrations, 'migration')} and "
            f"{count(result.static['operations'], 'operation')} read. The check {status} at fail-on "
            f"`{result.fail_on}`.",
        ])
    apps = sorted({f.app_label for f in result.operations})
    return "\n".join([
        "# 🗄️ Database & ORM Review",
        "",
        f"Project `{review.path}`, reviewed by migsafe {__version__} on {review.today.isoformat()} for "
        f"PostgreSQL {result.pg_version // 10000}: {count(result.checked_migrations, 'migration')} and "
        f"{count(len(result.operations), 'operation')} in {count(len(apps), 'app')} "
        f"({join_words([f'`{a}`' for a in apps]) or 'none'}). The check {status} at fail-on `{result.fail_on}`.",
    ])


def _problems(review: Review) -> str:
    problems = review.result.problems
    if not problems:
        return ""
    lines = ["## Not Analysed", ""]
    lines += [f"- `{p.location() or p.app_label or 'project'}`: {p.message}" for p in problems]
    return "\n".join(lines)


def build(session, result, fix_plan, *, path: str, config, today: date | None = None,
          base: str | None = None) -> str:
    """The review of RESULT as Markdown (FIX_PLAN: `migsafe.fix.plan` of the same result, None for
    a static result; BASE: the branch the commands it gives compare with, default the remote's
    default branch)."""
    review = gather(session, result, fix_plan, path, config, today or date.today(), base)
    if result.static:
        sections = [_header(review), _static(review), issues.render(review), opportunities.render(review),
                    tasks.render(review), _problems(review)]
    else:
        sections = [_header(review), summary.render(review), tables.render(review), patterns.render(review),
                    issues.render(review), opportunities.render(review), tasks.render(review),
                    checklist.render(review), _problems(review)]
    return "\n\n".join(s for s in sections if s) + "\n"


def _static(review: Review) -> str:
    """Why this review is partial: the banner of the static check, and the sections left out."""
    from migsafe.output.markdown import static_banner

    return "\n".join([
        "## ⚠️ Static Review", "", static_banner(review.result.static), "",
        "Without the project's code there are no rendered SQL, locks, models or queries: the summary, the "
        "tables, the good patterns and the checklist are left out. Fix the import and run `migsafe report` "
        "again for the full review.",
    ])


def write(text: str, output_dir: str | Path, today: date | None = None) -> Path:
    """Save the review in OUTPUT_DIR (created if needed); returns its path."""
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / filename(today or date.today())
    target.write_text(text, encoding="utf-8")
    return target
