"""The GitHub Action's work, run by action.yml as ``python3 -m migsafe.github.action``.

It checks only the migrations the pull request adds or changes (against the PR's base),
then, from that one analysis: prints workflow annotations, writes the Markdown summary to
$GITHUB_STEP_SUMMARY, optionally writes SARIF, sets step outputs, keeps one PR comment up
to date, and exits 0 / 1 by fail-on (2 when nothing could be analysed).

Inputs come as INPUT_* variables (set by action.yml from the action's inputs); the rest is
the environment GitHub gives every step.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from migsafe.errors import MigsafeError, ProjectImportError
from migsafe.output import github as annotations
from migsafe.output.check import summary_line

COMMENT_LIMIT = 65_000  # GitHub refuses comment bodies over 65,536 characters


@dataclass
class Inputs:
    path: str
    base_ref: str
    fail_on: str
    pg_version: str
    settings: str
    sarif_file: str
    comment: bool
    token: str

    @classmethod
    def from_env(cls, environ) -> "Inputs":
        def get(name: str, default: str = "") -> str:
            return environ.get(f"INPUT_{name}", default).strip()

        return cls(
            path=get("PATH", ".") or ".",
            base_ref=get("BASE_REF"),
            fail_on=get("FAIL_ON").lower(),
            pg_version=get("PG_VERSION"),
            settings=get("SETTINGS"),
            sarif_file=get("SARIF_FILE"),
            comment=get("COMMENT", "on").lower() not in ("off", "false", "no", "0"),
            token=get("GITHUB_TOKEN") or environ.get("GITHUB_TOKEN", ""),
        )


def pull_request(environ) -> dict | None:
    """The pull_request object of the event payload, if this run is for one."""
    path = environ.get("GITHUB_EVENT_PATH")
    if not path or not Path(path).is_file():
        return None
    return json.loads(Path(path).read_text(encoding="utf-8")).get("pull_request")


def base_ref(inputs: Inputs, pr: dict | None, environ) -> str | None:
    """What to diff against: the input, else the PR's base commit, else origin/$GITHUB_BASE_REF."""
    if inputs.base_ref:
        return inputs.base_ref
    if pr and pr.get("base", {}).get("sha"):
        return pr["base"]["sha"]
    if environ.get("GITHUB_BASE_REF"):
        return f"origin/{environ['GITHUB_BASE_REF']}"
    return None


def analyse(inputs: Inputs, base: str | None):
    """(check result, rewrite diff per migration, project root) for the PR's migrations. When
    the project cannot be imported, every migration file is read statically instead, and a
    warning annotation says which checks that skipped and why."""
    from migsafe.check import Config, analyse
    from migsafe.report.rewrites import rewrite_diffs
    from migsafe.session import open_session
    from migsafe.static import banner, fallback

    pg_version = int(inputs.pg_version) if inputs.pg_version else None
    try:
        with open_session(inputs.path, settings=inputs.settings or None, pg_version=pg_version) as session:
            config = Config.from_table(session.config, inputs.fail_on or None)
            result = analyse(session, config, base_ref=base)
            return result, rewrite_diffs(session, result, config.lock_timeout), session.project.root
    except ProjectImportError as exc:
        _, result, session = fallback(Path(inputs.path), exc, inputs.fail_on or None)
        print(annotations.command("warning", "\n".join(banner(result.static)), title="migsafe: static check"))
        return result, {}, session.project.root


def comment_body(result, diffs: dict) -> str:
    """The PR comment: the summary with rewrites, without them if that is too long."""
    from migsafe.output.markdown import check_summary

    body = check_summary(result, diffs)
    if len(body) > COMMENT_LIMIT:
        body = check_summary(result) + "\nThe suggested rewrites are too long for a comment: run `migsafe fix`.\n"
    if len(body) > COMMENT_LIMIT:
        body = body[:COMMENT_LIMIT] + "\n\n… cut: see the job summary for everything.\n"
    return body


def _append(variable: str, text: str, environ) -> None:
    path = environ.get(variable)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def _outputs(result, sarif_file: str) -> str:
    active = [f for f in result.findings if not f.suppressed]
    counts = {level: sum(f.severity == level for f in active) for level in ("error", "warning", "info")}
    lines = [f"findings={len(active)}", f"errors={counts['error']}", f"warnings={counts['warning']}",
             f"infos={counts['info']}", f"failed={'true' if result.failing() else 'false'}",
             f"sarif-file={sarif_file}"]
    return "\n".join(lines) + "\n"


def post_comment(inputs: Inputs, pr: dict, body: str, has_news: bool, environ) -> None:
    from migsafe.github.api import GitHub, GitHubError, upsert_comment

    if not inputs.token:
        print(annotations.command("warning", "no GitHub token: the pull request comment was not posted"))
        return
    client = GitHub(inputs.token, environ.get("GITHUB_REPOSITORY", ""),
                    environ.get("GITHUB_API_URL", "https://api.github.com"))
    try:
        done = upsert_comment(client, pr["number"], body, create=has_news)
    except GitHubError as exc:  # e.g. a fork's read-only token: the check itself still counts
        print(annotations.command("warning", f"the pull request comment failed: {exc}"))
        return
    print(f"migsafe: pull request comment {done}")


def run(environ=os.environ) -> int:
    from migsafe.output.markdown import check_summary
    from migsafe.output.sarif import as_sarif

    inputs = Inputs.from_env(environ)
    pr = pull_request(environ)
    base = base_ref(inputs, pr, environ)
    try:
        result, diffs, root = analyse(inputs, base)
    except MigsafeError as exc:
        print(annotations.command("error", exc.message + (f"\nhint: {exc.hint}" if exc.hint else ""),
                                  title="migsafe"))
        return 2
    for line in annotations.annotations(result, root):
        print(line)
    if inputs.sarif_file:
        Path(inputs.sarif_file).write_text(json.dumps(as_sarif(result, root), indent=2), encoding="utf-8")
    _append("GITHUB_STEP_SUMMARY", check_summary(result, diffs), environ)
    _append("GITHUB_OUTPUT", _outputs(result, inputs.sarif_file), environ)
    if inputs.comment and pr:
        has_news = bool(result.findings or result.problems)
        post_comment(inputs, pr, comment_body(result, diffs), has_news, environ)
    print(summary_line(result))
    if result.problems and not result.operations and not result.findings:
        return 2
    return 1 if result.failing() else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
