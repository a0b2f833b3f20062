#!/usr/bin/env python3
"""migsafe benchmarks: migsafe and the tools a user would otherwise run, on the same work,
in one run, on the same machine.

    python benchmarks/run.py                       # everything (about an hour on 2 cores)
    python benchmarks/run.py --quick               # a tiny run (one 10-migration project)
    python benchmarks/run.py --only wagtail --skip-peers

First run creates benchmarks/.env (a venv of the current python) with migsafe (editable, from
this repository), django-migration-linter, wagtail, psycopg, and django-cms / django-oscar
when they install against the same Django. Every measured command is a separate process of
that venv: wall time with time.perf_counter around it, peak memory from the child's own
rusage (os.wait4: ru_maxrss of that child). Each measurement is repeated (--repeat, median
wall time, highest peak memory); one that takes longer than --long seconds is not repeated.

See benchmarks/README.md for what every figure means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from projects import REAL_PROJECTS, write_pyproject, write_project  # noqa: E402
from synthetic import SyntheticProject, layout  # noqa: E402

INPROC = HERE / "_inproc.py"
ENV_DIR = HERE / ".env"
DEFAULT_DJANGO = "Django>=5.2,<5.3"
BASE_PACKAGES = ["django-migration-linter", "psycopg[binary]>=3.1,<4"]

# Targets of the issue (ratios are peer / migsafe: how many times faster migsafe is).
TARGET_WAGTAIL_PROCESS = 8.0
TARGET_WAGTAIL_LOOP = 20.0
TARGET_GROWTH = 30.0  # cost at 5,000 migrations / cost at 200 (25x the history)
TARGET_BASE_SECONDS = 2.0
TARGET_PEAK_MB = 300.0


# -- processes ------------------------------------------------------------------------------


class Run(dict):
    """One measured process: wall seconds, peak memory (KB), exit code, output."""


def measure(cmd, *, cwd, env, timeout) -> Run:
    """Run CMD as a child, with wall time (perf_counter) and the child's own ru_maxrss (wait4)."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the group this child leads, nothing else
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            wall=wall, maxrss_kb=usage.ru_maxrss, load=load, rc=proc.returncode, timed_out=timed_out.is_set(),
            stdout=out.read().decode("utf-8", "replace"), stderr=err.read().decode("utf-8", "replace"),
        )


class Bench:
    def __init__(self, args, python: Path, env: dict) -> None:
        self.args = args
        self.python = python
        self.env = env
        self.log_lines: list[str] = []
        self.has_report = False

    def log(self, message: str) -> None:
        line = f"[{time.strftime('%H:%M:%S')}] {message}"
        self.log_lines.append(line)
        print(line, file=sys.stderr, flush=True)

    def repeat(self, label: str, cmd, *, cwd, ok=(0,), repeat=None, timeout=None, env=None) -> dict:
        """Measure CMD up to REPEAT times; median wall, highest peak memory."""
        repeat = repeat or self.args.repeat
        runs = []
        for i in range(repeat):
            run = measure(cmd, cwd=cwd, env={**self.env, **(env or {})}, timeout=timeout or self.args.timeout)
            runs.append(run)
            self.log(f"{label}: run {i + 1}/{repeat}: {run['wall']:.2f} s, {run['maxrss_kb'] / 1024:.0f} MB, "
                     f"exit {run['rc']}{' (timed out)' if run['timed_out'] else ''} (load {run['load']:.2f})")
            if run["timed_out"] or run["rc"] not in ok or run["wall"] > self.args.long:
                break
        last = runs[-1]
        failed = last["timed_out"] or last["rc"] not in ok
        return {
            "command": [str(c) for c in cmd],
            "cwd": str(cwd),
            "runs": [{"wall": r["wall"], "maxrss_kb": r["maxrss_kb"], "rc": r["rc"], "timed_out": r["timed_out"],
                      "load_before": r["load"]} for r in runs],
            "wall": statistics.median(r["wall"] for r in runs),
            "peak_mb": max(r["maxrss_kb"] for r in runs) / 1024,
            "ok": not failed,
            "error": _tail(last["stderr"]) if failed else None,
            "stdout": last["stdout"],
            "outputs": [r["stdout"] for r in runs],
        }

    def json_of(self, result: dict):
        try:
            return json.loads(result["stdout"])
        except (json.JSONDecodeError, TypeError):
            return None


def _tail(text: str, lines: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


# -- the benchmark venv ------------------------------------------------------------------------


def ensure_env(args, log) -> tuple[Path, dict]:
    """benchmarks/.env with migsafe (editable), the peers and the real histories."""
    python = ENV_DIR / "bin" / "python"
    marker = ENV_DIR / "installed.json"
    wanted = {"django": args.django, "base": BASE_PACKAGES, "real": sorted(REAL_PROJECTS)}
    if marker.is_file():
        state = json.loads(marker.read_text())
        if state.get("wanted") == wanted and python.exists():
            return python, state
    log(f"creating {ENV_DIR} with {sys.executable} (first run: a few minutes)")
    if ENV_DIR.exists():
        shutil.rmtree(ENV_DIR)
    subprocess.run([sys.executable, "-m", "venv", str(ENV_DIR)], check=True)
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    result = subprocess.run([*pip, args.django, "-e", str(REPO), *BASE_PACKAGES], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"pip install failed:\n{_tail(result.stderr or result.stdout)}")
    django_version = subprocess.run(
        [str(python), "-c", "import django; print(django.get_version())"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    constraints = ENV_DIR / "constraints.txt"
    constraints.write_text(f"Django=={django_version}\n")
    state = {"wanted": wanted, "django": django_version, "real": {}, "unavailable": {}}
    for name, spec in REAL_PROJECTS.items():
        log(f"installing {' '.join(spec['pip'])} against Django {django_version}")
        result = subprocess.run([*pip, "-c", str(constraints), *spec["pip"]], capture_output=True, text=True)
        if result.returncode == 0:
            state["real"][name] = spec["pip"]
        else:
            state["unavailable"][name] = _tail(result.stderr or result.stdout, 6)
            log(f"{name} could not be installed against Django {django_version}: {state['unavailable'][name]}")
    check = subprocess.run([str(python), "-m", "pip", "check"], capture_output=True, text=True)
    state["pip_check"] = check.stdout.strip()
    marker.write_text(json.dumps(state, indent=2))
    return python, state


def environment_info(python: Path, env: dict) -> dict:
    code = r"""
import json, importlib.metadata as m, platform, sys
names = ["Django", "migsafe", "django-migration-linter", "wagtail", "django-cms", "django-oscar", "psycopg"]
versions = {}
for name in names:
    try:
        versions[name] = m.version(name)
    except m.PackageNotFoundError:
        versions[name] = None
import migsafe
print(json.dumps({"python": sys.version.split()[0], "executable": sys.executable, "packages": versions,
                  "migsafe_file": migsafe.__file__}))
"""
    # Not from the repository folder: `python -c` puts the working directory first on sys.path.
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True, env=env,
                            cwd=tempfile.gettempdir())
    return json.loads(result.stdout)


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        if "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def snapshot_source(args, log) -> dict:
    """The migsafe every child imports. Other work may change the repository during a long run;
    'worktree' (default) copies migsafe/ as it is now, 'HEAD' takes the last commit (git
    archive), 'live' imports the repository itself (the editable install)."""
    status = subprocess.run(["git", "status", "--porcelain", "--", "migsafe"], cwd=REPO, capture_output=True,
                            text=True)
    info = {"mode": args.source, "path": None, "digest": tree_digest(REPO / "migsafe"),
            "dirty": bool(status.stdout.strip())}
    if args.source == "live":
        return info
    target = Path(args.workdir) / "source"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    if args.source == "HEAD":
        archive = subprocess.run(["git", "archive", "--format=tar", "HEAD", "migsafe"], cwd=REPO,
                                 capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
        info["digest"] = tree_digest(target / "migsafe")
    else:
        shutil.copytree(REPO / "migsafe", target / "migsafe", ignore=shutil.ignore_patterns("__pycache__"))
    info["path"] = str(target)
    log(f"migsafe source for this run: {args.source} -> {target / 'migsafe'} ({info['digest']})")
    return info


def postgres(python: Path, env: dict, sql: str, dbname: str = "postgres") -> str:
    code = (
        "import os, sys, psycopg\n"
        "url = 'postgresql://{u}@{h}:{p}/{d}'.format(u=os.environ.get('MIGSAFE_BENCH_DB_USER', 'postgres'), "
        "h=os.environ.get('MIGSAFE_BENCH_DB_HOST', '127.0.0.1'), p=os.environ.get('MIGSAFE_BENCH_DB_PORT', '5432'), "
        "d=sys.argv[2])\n"
        "with psycopg.connect(url, autocommit=True) as c:\n"
        "    cur = c.execute(sys.argv[1])\n"
        "    print(cur.fetchone()[0] if cur.description else '')\n"
    )
    result = subprocess.run([str(python), "-c", code, sql, dbname], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"PostgreSQL: {sql}: {_tail(result.stderr, 3)}")
    return result.stdout.strip()


# -- one project ---------------------------------------------------------------------------------


def bench_project(bench: Bench, name: str, root: Path, *, peers: bool, lint_apps: list[str],
                  inventory: dict, can_sample: bool) -> dict:
    """Every figure of one project: migsafe (whole process, in-process loop) and the peers."""
    py, args = bench.python, bench.args
    data: dict = {"name": name, "root": str(root), "inventory": {
        k: inventory[k] for k in ("labels", "plan_operations", "disk_operations")}}
    data["inventory"]["plan_migrations"] = len(inventory["plan"])
    data["inventory"]["disk_migrations"] = len(inventory["disk"])

    check = bench.repeat(f"{name}: migsafe check", [py, "-m", "migsafe", "check", root], cwd=root, ok=(0, 1))
    check.update(_summary_counts(check["stdout"]))
    check.pop("stdout")
    check.pop("outputs")
    data["check"] = check
    as_json = bench.repeat(f"{name}: migsafe check --format json", [py, "-m", "migsafe", "check", root, "--format",
                                                                    "json"], cwd=root, ok=(0, 1), repeat=1)
    report = bench.json_of(as_json)
    if report:
        summary = report["summary"]
        as_json.update(migrations=summary["migrations"], operations=summary["operations"],
                       findings=summary["findings"], problems=len(summary["problems"]),
                       rules=dict(sorted(Counter(f["rule"] for f in report["findings"]).items())),
                       output_mb=len(as_json["stdout"]) / 2**20)
    as_json.pop("stdout")
    as_json.pop("outputs")
    data["check_json"] = as_json

    loop = bench.repeat(f"{name}: migsafe render+analyse loop (in process)",
                        [py, INPROC, "migsafe-loop", root], cwd=root)
    _inproc_figures(bench, loop, "analyse_seconds", extra=("load_seconds", "render_seconds", "operations",
                                                           "migrations", "maxrss_kb"))
    data["loop"] = loop

    if args.profile:
        prof = Path(args.workdir) / f"profile-{name}.prof"
        measure([py, INPROC, "migsafe-loop", root, "--profile", prof], cwd=root, env=bench.env, timeout=args.timeout)
        data["profile"] = {"file": str(prof), "top": top_functions(py, prof)}

    if bench.has_report:
        if len(inventory["plan"]) <= args.report_max:
            folder = Path(args.workdir) / f"report-{name}"
            folder.mkdir(exist_ok=True)
            rep = bench.repeat(f"{name}: migsafe report", [py, "-m", "migsafe", "report", root, "--output", folder,
                                                            "--quiet"], cwd=root, ok=(0, 1))
            rep.pop("stdout")
            rep.pop("outputs")
            data["report"] = rep
        else:
            data["report_skipped"] = f"more than --report-max {args.report_max} migrations"

    if not peers:
        return data

    plan = [[a, n] for a, n, _ in inventory["plan"]]
    sample = None
    if can_sample and len(plan) > args.peer_full_limit:
        step = len(plan) / args.peer_sample
        sample = [plan[int(i * step)] for i in range(args.peer_sample)]
    data["peer_sampled"] = bool(sample)

    # lintmigrations, whole process: what a user runs in CI (every migration on disk of the apps).
    lint_cmd = [py, "manage.py", "lintmigrations", "--no-cache", "--ignore-sqlmigrate-errors",
                "--include-apps", *lint_apps]
    if sample is None:
        lint = run_lint(bench, f"{name}: lintmigrations", lint_cmd, root)
        lint["estimated"] = False
        lint["migrations"] = len(inventory["disk"])
        lint["operations"] = inventory["disk_operations"]
    else:
        lint = _sampled_lint(bench, name, root, lint_cmd, sample, inventory)
    data["lintmigrations"] = lint

    # sqlmigrate for every migration migsafe analyses, one process (call_command in a loop).
    targets_file = Path(bench.args.workdir) / f"{name}-sqlmigrate-targets.json"
    targets = sample or plan
    targets_file.write_text(json.dumps(targets))
    sq = bench.repeat(f"{name}: sqlmigrate loop (in process, {len(targets)} migrations)",
                      [py, INPROC, "sqlmigrate-loop", root, "--targets", targets_file], cwd=root,
                      timeout=args.peer_timeout)
    _inproc_figures(bench, sq, "loop_seconds", extra=("load_seconds", "migrations", "statements", "maxrss_kb"))
    if sample and sq["ok"]:
        sq["sampled_seconds"] = sq["seconds"]
        sq["seconds"] = sq["seconds"] * len(plan) / len(sample)
        sq["estimated"] = True
    else:
        sq["estimated"] = False
    sq["migrations"] = len(plan)
    sq["operations"] = inventory["plan_operations"]
    data["sqlmigrate_loop"] = sq

    # sqlmigrate as a user runs it: one `manage.py sqlmigrate app name` process per migration.
    count = args.process_sample if args.process_sample and args.process_sample < len(plan) else len(plan)
    step = len(plan) / count
    chosen = [plan[int(i * step)] for i in range(count)]
    walls, peaks, failures = [], [], []
    bench.log(f"{name}: sqlmigrate, one process per migration: {count} of {len(plan)} migrations")
    for app, migration in chosen:
        run = measure([py, "manage.py", "sqlmigrate", app, migration], cwd=root, env=bench.env,
                      timeout=args.peer_timeout)
        walls.append(run["wall"])
        peaks.append(run["maxrss_kb"])
        if run["rc"] != 0:
            failures.append(f"{app}.{migration}: {_tail(run['stderr'], 1)}")
    data["sqlmigrate_processes"] = {
        "measured": count, "migrations": len(plan), "estimated": count < len(plan),
        "seconds": sum(walls) * len(plan) / count, "mean_seconds": statistics.mean(walls),
        "peak_mb": max(peaks) / 1024, "failures": failures,
    }
    return data


def _inproc_figures(bench: Bench, result: dict, key: str, extra=()) -> None:
    """Fold the JSON each _inproc.py child printed into RESULT: the median over runs of KEY."""
    outputs = []
    for text in result.pop("outputs", []):
        try:
            outputs.append(json.loads(text))
        except json.JSONDecodeError:
            pass
    result.pop("stdout", None)
    if not outputs or not result["ok"]:
        result["seconds"] = None
        return
    out = outputs[-1]
    result["seconds"] = statistics.median(o[key] for o in outputs)
    result["seconds_runs"] = [o[key] for o in outputs]
    for name in extra:
        result[name] = out.get(name)
    if key == "loop_seconds":
        result["errors"] = out.get("errors", [])


def run_lint(bench: Bench, label: str, cmd: list, root: Path, repeat=None) -> dict:
    """lintmigrations; it counts as run only if it printed its summary. When it stops on a
    migration name that is a prefix of another one (sqlmigrate's AmbiguityError, e.g. django-cms
    0001_initial next to 0001_initial_squashed_...), retry with --ignore-name NAME, as a user would."""
    ignored: list[str] = []
    while True:
        full = cmd + (["--ignore-name", *ignored] if ignored else [])
        result = bench.repeat(label, full, cwd=root, ok=(0, 1), repeat=repeat, timeout=bench.args.peer_timeout)
        stdout = result.pop("stdout", "")
        result.pop("outputs", None)
        result["linted"] = _lint_count(stdout)
        if result["ok"] and result["linted"] is None:
            result["ok"] = False
            result["error"] = "lintmigrations stopped before its summary"
            result["error"] += f" (exit {result['runs'][-1]['rc']})"
        if result["ok"] or len(ignored) >= 5:
            break
        crash = _tail(measure(full, cwd=root, env=bench.env, timeout=bench.args.peer_timeout)["stderr"], 3)
        match = re.search(r"More than one migration matches '([^']+)'", crash)
        result["error"] = crash
        if not match:
            break
        bench.log(f"{label}: lintmigrations stops on {match.group(0)!r}: retrying with --ignore-name {match.group(1)}")
        ignored.append(match.group(1))
    result["ignored_names"] = ignored
    if ignored:
        result["note"] = (f"lintmigrations stops with sqlmigrate's 'More than one migration matches' on "
                          f"{', '.join(ignored)}: run with --ignore-name {' '.join(ignored)}")
    return result


def _sampled_lint(bench: Bench, name: str, root: Path, lint_cmd: list, sample: list, inventory: dict) -> dict:
    """lintmigrations on an evenly spaced sample (--include-migrations-from), extrapolated:
    startup (an empty list) + (sample - startup) x all / sample."""
    work = Path(bench.args.workdir)
    listed = work / f"{name}-lint-sample.txt"
    listed.write_text("".join(f"{a}/migrations/{n}.py\n" for a, n in sample))
    empty = work / f"{name}-lint-empty.txt"
    empty.write_text("")
    base = run_lint(bench, f"{name}: lintmigrations, startup only", [*lint_cmd, "--include-migrations-from", empty],
                    root, repeat=1)
    part = run_lint(bench, f"{name}: lintmigrations, {len(sample)} sampled migrations",
                    [*lint_cmd, "--include-migrations-from", listed], root, repeat=1)
    total = len(inventory["disk"])
    result = dict(part)
    result["ok"] = part["ok"] and base["ok"]
    result["error"] = part["error"] or base["error"]
    result["startup_wall"] = base["wall"]
    result["sampled_wall"] = part["wall"]
    result["wall"] = base["wall"] + (part["wall"] - base["wall"]) * total / len(sample)
    result["estimated"] = True
    result["migrations"] = total
    result["operations"] = inventory["disk_operations"]
    return result


def _summary_counts(stdout: str) -> dict:
    """Migrations and operations from check's last line: 'FAIL: 12 migrations, 30 operations checked ...'."""
    lines = stdout.strip().splitlines()
    found = {"summary_line": lines[-1] if lines else None}
    match = re.search(r"(\d[\d,]*) migrations?, (\d[\d,]*) operations?", stdout)
    if match:
        found.update(migrations=int(match.group(1).replace(",", "")),
                     operations=int(match.group(2).replace(",", "")))
    return found


def _lint_count(stdout: str) -> int | None:
    for line in stdout.splitlines():
        if line.startswith("Valid migrations:"):
            try:
                return int(line.rsplit("/", 1)[1])
            except ValueError:
                return None
    return None


def top_functions(python: Path, prof: Path, limit: int = 25) -> str:
    code = ("import pstats, sys, io\ns = io.StringIO()\n"
            "pstats.Stats(sys.argv[1], stream=s).sort_stats('cumulative').print_stats(int(sys.argv[2]))\n"
            "print(s.getvalue())")
    result = subprocess.run([str(python), "-c", code, str(prof), str(limit)], capture_output=True, text=True)
    return result.stdout


def inventory_of(bench: Bench, root: Path, apps: list[str] | None = None) -> dict:
    cmd = [bench.python, INPROC, "inventory", root]
    if apps:
        cmd += ["--apps", *apps]
    result = subprocess.run([str(c) for c in cmd], cwd=root, env=bench.env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"inventory of {root} failed: {_tail(result.stderr)}")
    return json.loads(result.stdout)


# -- pull request: check --base ---------------------------------------------------------------------


def bench_pull_request(bench: Bench, size: int, peers: bool) -> dict:
    """A git repo of the SIZE-migration project; a branch adds 5 migrations; check --base."""
    root = Path(bench.args.workdir) / f"pr_{size}"
    if root.exists():
        shutil.rmtree(root)
    project = SyntheticProject.for_size(size, seed=bench.args.seed)
    project.write(root)

    def git(*a):
        subprocess.run(["git", *a], cwd=root, check=True, capture_output=True,
                       env={**bench.env, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
                            "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"})

    git("init", "-q", "-b", "main")
    (root / ".gitignore").write_text("__pycache__/\n")
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    base = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    git("checkout", "-q", "-b", "feature")
    added = project.extend(bench.args.pr_migrations)
    project.write(root)
    git("add", "-A")
    git("commit", "-q", "-m", f"{len(added)} migrations")
    bench.log(f"pull request on {size} migrations: {len(added)} added: {', '.join(a + '.' + n for a, n in added)}")
    data = {"size": size, "base": base, "added": [list(k) for k in added],
            "migrations": project.migration_count}
    command = [bench.python, "-m", "migsafe", "check", root, "--base", base]
    # Cold: no snapshot of the base branch's walk (a first run); warm: the next runs, which
    # start from the snapshot the first one left (migsafe.render.snapshot).
    cold = bench.repeat(f"check --base ({size} + {len(added)}), no snapshot", command, cwd=root, ok=(0, 1),
                        env={"MIGSAFE_CACHE_DIR": "off"})
    snapshots = Path(bench.args.workdir) / "snapshots"
    shutil.rmtree(snapshots, ignore_errors=True)
    measure(command, cwd=root, env={**bench.env, "MIGSAFE_CACHE_DIR": str(snapshots)}, timeout=bench.args.timeout)
    check = bench.repeat(f"check --base ({size} + {len(added)}), from the snapshot", command, cwd=root, ok=(0, 1),
                         env={"MIGSAFE_CACHE_DIR": str(snapshots)})
    for result in (cold, check):
        result.update(_summary_counts(result["stdout"]))
        result.pop("stdout")
        result.pop("outputs")
    data["check_cold"], data["check"] = cold, check
    if bench.args.profile:
        prof = Path(bench.args.workdir) / "profile-pr.prof"
        measure([bench.python, "-m", "cProfile", "-o", prof, "-m", "migsafe", "check", root, "--base", base],
                cwd=root, env=bench.env, timeout=bench.args.timeout)
        data["profile"] = {"file": str(prof), "top": top_functions(bench.python, prof)}
    if peers:
        data["lintmigrations"] = run_lint(
            bench, f"lintmigrations --git-commit-id ({size} + {len(added)})",
            [bench.python, "manage.py", "lintmigrations", "--no-cache", "--ignore-sqlmigrate-errors",
             "--git-commit-id", base, "--project-root-path", root], root)
    return data


# -- the table ------------------------------------------------------------------------------------


def _ratio(peer, ours):
    if peer is None or ours is None or not ours:
        return None
    return peer / ours


def build_rows(results: dict) -> list[dict]:
    rows: list[dict] = []

    def row(figure, ours, peer, peer_name, ratio, unit, target=None, met=None, note=None):
        rows.append({"figure": figure, "migsafe": ours, "peer": peer, "peer_name": peer_name,
                     "ratio": ratio, "unit": unit, "target": target, "met": met, "note": note})

    projects = results["projects"]
    for key, data in projects.items():
        check, loop = data["check"], data["loop"]
        for count in ("migrations", "operations"):  # the JSON run's counts if the text line was not read
            if check.get(count) is None and (data.get("check_json") or {}).get(count) is not None:
                check[count] = data["check_json"][count]
        lint = data.get("lintmigrations")
        sq, procs = data.get("sqlmigrate_loop"), data.get("sqlmigrate_processes")
        label = key
        ours_wall = check["wall"] if check["ok"] else None
        est = " (est.)" if lint and lint.get("estimated") else ""
        lint_wall = lint["wall"] if lint and lint["ok"] else None
        is_wagtail = key == "wagtail"
        ratio = _ratio(lint_wall, ours_wall)
        row(f"{label}: check, whole process, wall", ours_wall, lint_wall, f"lintmigrations{est}", ratio, "s",
            f">= {TARGET_WAGTAIL_PROCESS:g}x" if is_wagtail else None,
            (ratio is not None and ratio >= TARGET_WAGTAIL_PROCESS) if is_wagtail else None,
            _counts_note(check, lint) + (f"; {lint['note']}" if lint and lint.get("note") else "")
            + (f"; lintmigrations failed: {lint['error']}" if lint and not lint["ok"] else ""))
        row(f"{label}: check, whole process, peak memory", check["peak_mb"] if check["ok"] else None,
            lint["peak_mb"] if lint and lint["ok"] else None, "lintmigrations", None, "MB")
        as_json = data.get("check_json")
        if as_json:
            row(f"{label}: check --format json, wall / peak memory", as_json["wall"] if as_json["ok"] else None,
                None, None, None, "s", note=f"peak {as_json['peak_mb']:.0f} MB, "
                f"{as_json.get('output_mb', 0):.1f} MB of JSON" if as_json["ok"] else as_json["error"])
        ours_ops = check["operations"] / ours_wall if ours_wall and check.get("operations") else None
        peer_ops = lint["operations"] / lint_wall if lint_wall else None
        row(f"{label}: check, whole process, operations/s", ours_ops, peer_ops, f"lintmigrations{est}",
            _ratio(ours_ops, peer_ops), "op/s")
        loop_s = loop.get("seconds") if loop["ok"] else None
        sq_s = sq.get("seconds") if sq and sq["ok"] else None
        ratio = _ratio(sq_s, loop_s)
        sq_est = " (est.)" if sq and sq.get("estimated") else ""
        row(f"{label}: render+analyse loop, in process", loop_s, sq_s, f"sqlmigrate loop{sq_est}", ratio, "s",
            f">= {TARGET_WAGTAIL_LOOP:g}x" if is_wagtail else None,
            (ratio is not None and ratio >= TARGET_WAGTAIL_LOOP) if is_wagtail else None,
            f"{loop.get('operations')} ops; sqlmigrate errors: {len(sq.get('errors') or [])}" if sq else
            f"{loop.get('operations')} ops")
        if procs:
            p_est = " (est.)" if procs["estimated"] else ""
            row(f"{label}: check vs sqlmigrate per process, wall", ours_wall, procs["seconds"],
                f"sqlmigrate x{procs['migrations']} processes{p_est}", _ratio(procs["seconds"], ours_wall), "s",
                note=f"measured {procs['measured']} processes, mean {procs['mean_seconds']:.2f} s")
        rep = data.get("report")
        if rep:
            row(f"{label}: report, whole process, wall", rep["wall"] if rep["ok"] else None, None, None, None, "s",
                note=(f"peak {rep['peak_mb']:.0f} MB; no peer" if rep["ok"] else f"failed: {rep['error']}"))
        if data.get("size") and data["size"] >= 5000:
            peak = check["peak_mb"] if check["ok"] else None
            row(f"{label}: check, peak memory (target)", peak, None, None, None, "MB",
                f"< {TARGET_PEAK_MB:g} MB", peak is not None and peak < TARGET_PEAK_MB)
            if as_json and as_json["ok"]:
                row(f"{label}: check --format json, peak memory (target)", as_json["peak_mb"], None, None, None,
                    "MB", f"< {TARGET_PEAK_MB:g} MB", as_json["peak_mb"] < TARGET_PEAK_MB)

    sized = sorted((d["size"], d) for d in projects.values() if d.get("size"))
    if len(sized) >= 2:
        (small, a), (large, b) = sized[0], sized[-1]
        target = TARGET_GROWTH * (large / small) / 25  # 30x for 200 -> 5,000 (25x the history)
        wa, wb = a["check"]["wall"], b["check"]["wall"]
        growth = wb / wa if a["check"]["ok"] and b["check"]["ok"] else None
        row(f"growth {small} -> {large} migrations: check wall", wa, wb, f"check at {large}", growth, "s",
            f"<= {target:g}x", growth is not None and growth <= target,
            f"history grows {large / small:g}x")
        la, lb = a["loop"].get("seconds"), b["loop"].get("seconds")
        if la and lb:
            row(f"growth {small} -> {large} migrations: render+analyse loop", la, lb, f"loop at {large}", lb / la,
                "s", f"<= {target:g}x", lb / la <= target, "in process, without startup")
    pr = results.get("pull_request")
    if pr:
        lint = pr.get("lintmigrations")
        lint_wall = lint["wall"] if lint and lint["ok"] else None
        for key, how in (("check_cold", "no snapshot"), ("check", "from the base's snapshot")):
            check = pr.get(key)
            if check is None:  # results of a run from before snapshots
                continue
            wall = check["wall"] if check["ok"] else None
            row(f"check --base: {len(pr['added'])} new migrations on {pr['size']}, {how}", wall, lint_wall,
                "lintmigrations --git-commit-id", _ratio(lint_wall, wall), "s", f"< {TARGET_BASE_SECONDS:g} s",
                wall is not None and wall < TARGET_BASE_SECONDS,
                f"migsafe checked {check.get('migrations')} migrations"
                + (f", linter {lint.get('linted')}" if lint else ""))
    if not any(d.get("report") for d in projects.values()):
        row("report", None, None, None, None, "", note=results.get("report_status") or "not measured")
    return rows


def _counts_note(check: dict, lint: dict | None) -> str:
    text = f"migsafe {check.get('migrations')} migrations / {check.get('operations')} ops"
    if lint:
        text += f"; linter {lint.get('migrations')} / {lint.get('operations')}"
    return text


def _fmt(value, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "op/s":
        return f"{value:.0f} op/s"
    return str(value)


def print_table(rows: list[dict], out=sys.stdout) -> None:
    header = ["figure", "migsafe", "peer", "ratio", "target", "met?"]
    lines = []
    for r in rows:
        peer = _fmt(r["peer"], r["unit"])
        if r["peer_name"] and r["peer"] is not None:
            peer += f" [{r['peer_name']}]"
        ratio = f"{r['ratio']:.1f}x" if r["ratio"] is not None else "-"
        met = "-" if r["met"] is None else ("yes" if r["met"] else "NO")
        lines.append([r["figure"], _fmt(r["migsafe"], r["unit"]), peer, ratio, r["target"] or "-", met])
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    sep = "-+-".join("-" * w for w in widths)
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths)), file=out)
    print(sep, file=out)
    for line in lines:
        print(" | ".join(c.ljust(w) for c, w in zip(line, widths)), file=out)
    notes = [(r["figure"], r["note"]) for r in rows if r.get("note")]
    if notes:
        print("", file=out)
        for figure, note in notes:
            print(f"  {figure}: {note}", file=out)


# -- main ---------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Benchmark migsafe against lintmigrations and sqlmigrate.")
    parser.add_argument("--sizes", default="200,1000,5000", help="synthetic history sizes (total migrations)")
    parser.add_argument("--quick", action="store_true",
                        help="a tiny run: one 10-migration synthetic project (2 apps x 5), one repeat, "
                             "real projects only if --only names them")
    parser.add_argument("--skip-peers", action="store_true", help="measure migsafe only (no PostgreSQL needed)")
    parser.add_argument("--only", choices=["synthetic", "real", "pr", *REAL_PROJECTS], default=None,
                        help="only the synthetic sizes, the real projects, the pull request, or one real project")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    parser.add_argument("--workdir", default=str(HERE / ".work"), help="where the projects are written")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--long", type=float, default=60.0, help="a run longer than this is not repeated")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds before a migsafe run is killed")
    parser.add_argument("--peer-timeout", type=float, default=1800.0, help="seconds before a peer run is killed")
    parser.add_argument("--peer-full-limit", type=int, default=1500,
                        help="synthetic projects with more migrations run the peers on a sample, extrapolated")
    parser.add_argument("--peer-sample", type=int, default=100, help="migrations in that sample")
    parser.add_argument("--process-sample", type=int, default=30,
                        help="sqlmigrate processes actually run per project, extrapolated (0: all)")
    parser.add_argument("--pr-size", type=int, default=1000, help="history size of the pull request project")
    parser.add_argument("--pr-migrations", type=int, default=5, help="migrations the pull request adds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--django", default=DEFAULT_DJANGO, help="Django requirement of the benchmark venv")
    parser.add_argument("--use-current-python", action="store_true",
                        help="run everything with this interpreter (no benchmarks/.env, nothing installed)")
    parser.add_argument("--source", choices=["worktree", "HEAD", "live"], default="worktree",
                        help="migsafe measured: a copy of migsafe/ taken at the start (default), the last "
                             "commit, or the repository itself as it changes")
    parser.add_argument("--report-max", type=int, default=1500,
                        help="measure `migsafe report` (when it exists) on projects of at most this many migrations")
    parser.add_argument("--from-results", default=None, metavar="JSON",
                        help="print the table of an earlier results.json (nothing is run)")
    parser.add_argument("--profile", action="store_true",
                        help="also write cProfile stats of migsafe's analyse loop (and of check --base)")
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.quick:
        args.sizes = [10]
        args.repeat = 1 if args.repeat == 3 else args.repeat
        args.pr_size = 10
        args.process_sample = min(args.process_sample or 5, 5)
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.from_results:
        results = json.loads(Path(args.from_results).read_text())
        results["rows"] = build_rows(results)
        print_table(results["rows"])
        return 0
    started = time.perf_counter()
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    args.workdir = str(Path(args.workdir).resolve())
    log_lines: list[str] = []

    def log(message):
        line = f"[{time.strftime('%H:%M:%S')}] {message}"
        log_lines.append(line)
        print(line, file=sys.stderr, flush=True)

    if args.use_current_python:
        python, install = Path(sys.executable), {"real": {}, "unavailable": {}, "current_python": True}
    else:
        python, install = ensure_env(args, log)
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    source = snapshot_source(args, log)
    if source["path"]:
        env["PYTHONPATH"] = source["path"]  # ahead of the editable install: one migsafe for the whole run
    db = f"migsafe_bench_{os.getpid()}"
    env["MIGSAFE_BENCH_DB"] = db
    bench = Bench(args, python, env)
    bench.log_lines = log_lines
    info = environment_info(python, env)
    peers = not args.skip_peers
    skipped: list[str] = []
    bench.has_report = subprocess.run([str(python), "-m", "migsafe", "report", "--help"], env=env,
                                      capture_output=True).returncode == 0
    report_status = ("measured on projects of at most --report-max migrations (no peer)" if bench.has_report
                     else "skipped: `migsafe report` does not exist in this migsafe")
    if not bench.has_report:
        skipped.append("report: `migsafe report` does not exist in this migsafe, so it is not measured")
    if peers and not info["packages"].get("django-migration-linter"):
        skipped.append("peers: django-migration-linter is not installed in this interpreter")
        peers = False
    results: dict = {
        "machine": {
            "cpu_count": os.cpu_count(), "platform": platform.platform(), "processor": platform.processor(),
            "memory_mb": _memory_mb(), "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "python": info["python"], "django": info["packages"]["Django"], "postgres": None,
            "load_average_start": os.getloadavg(),
        },
        "environment": {**info, "install": install},
        "settings": {k: v for k, v in vars(args).items()},
        "repo_commit": _git_head(),
        "source": source,
        "report_status": report_status,
        "projects": {},
        "skipped": skipped,
    }
    for name, error in install.get("unavailable", {}).items():
        skipped.append(f"{name}: could not be installed against Django {install.get('django')}: {error}")

    if peers:
        try:
            results["machine"]["postgres"] = postgres(python, env, "SELECT version()")
            postgres(python, env, f'CREATE DATABASE "{db}"')
        except RuntimeError as exc:
            skipped.append(f"peers: {exc}")
            peers = False
    try:
        run_all(bench, args, results, peers, install, skipped)
    finally:
        if peers:
            try:
                postgres(python, env, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            except RuntimeError as exc:
                log(f"could not drop {db}: {exc}")
    results["machine"]["load_average_end"] = os.getloadavg()
    source["digest_end"] = tree_digest(REPO / "migsafe")
    if source["digest_end"] != source["digest"]:
        message = "migsafe/ changed in the repository during the run"
        message += (": figures mix versions (--source live)" if not source["path"]
                    else f"; every figure is of the snapshot taken at the start ({source['path']})")
        skipped.append(message)
        log(message)
    results["rows"] = build_rows(results)
    results["seconds"] = time.perf_counter() - started
    results["log"] = log_lines
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2, default=str))
    print()
    print_table(results["rows"])
    print()
    for line in skipped:
        print(f"note: {line}")
    print(f"migsafe {info['packages'].get('migsafe')} from {info.get('migsafe_file')} "
          f"(repository at {results['repo_commit'] and results['repo_commit'][:12]}"
          f"{', with uncommitted changes' if source.get('dirty') else ''}; --source {args.source})")
    print(f"\n{info['python']} / Django {info['packages']['Django']} / {os.cpu_count()} CPUs; "
          f"PostgreSQL: {results['machine']['postgres'] or 'not used'}")
    print(f"raw figures: {args.out} ({results['seconds']:.0f} s)")
    return 0


def run_all(bench: Bench, args, results: dict, peers: bool, install: dict, skipped: list) -> None:
    only = args.only
    do_synthetic = only in (None, "synthetic")
    do_pr = only in (None, "pr")
    if only in (None, "real"):
        real = [] if args.quick and only is None else list(REAL_PROJECTS)
    elif only in REAL_PROJECTS:
        real = [only]
    else:
        real = []
    work = Path(args.workdir)

    for name in real:
        if not _importable(bench.python, REAL_PROJECTS[name]["module"]):
            skipped.append(f"{name}: not installed in {bench.python}")
            continue
        root = work / name
        if root.exists():
            shutil.rmtree(root)
        write_project(name, root)
        try:
            inventory = inventory_of(bench, root)
        except RuntimeError as exc:
            skipped.append(f"{name}: {exc}")
            bench.log(f"{name}: {exc}")
            continue
        write_pyproject(root, inventory["labels"])
        bench.log(f"{name}: {len(inventory['plan'])} migrations in the plan ({len(inventory['disk'])} on disk) "
                  f"of {', '.join(inventory['labels'])}")
        results["projects"][name] = bench_project(bench, name, root, peers=peers, lint_apps=inventory["labels"],
                                                  inventory=inventory, can_sample=False)
        _save_partial(args, results)

    if do_synthetic:
        for size in args.sizes:
            root = work / f"synthetic_{size}"
            if root.exists():
                shutil.rmtree(root)
            project = SyntheticProject.for_size(size, seed=args.seed)
            project.write(root)
            apps, _ = layout(size)
            inventory = inventory_of(bench, root)
            bench.log(f"synthetic {size}: {apps} apps, {project.migration_count} migrations + "
                      f"{project.squash_count} squashed, {project.operation_count} operations")
            data = bench_project(bench, f"synthetic_{size}", root, peers=peers, lint_apps=project.labels,
                                 inventory=inventory, can_sample=True)
            data.update(size=size, apps=apps, squashed=project.squash_count)
            results["projects"][f"synthetic_{size}"] = data
            _save_partial(args, results)

    if do_pr:
        results["pull_request"] = bench_pull_request(bench, args.pr_size, peers)


def _save_partial(args, results):
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({**results, "partial": True}, indent=2, default=str))


def _importable(python: Path, module: str) -> bool:
    return subprocess.run([str(python), "-c", f"import {module}"], capture_output=True).returncode == 0


def _memory_mb():
    try:
        with open("/proc/meminfo") as f:
            return int(f.readline().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        return None


def _git_head():
    result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else None


if __name__ == "__main__":
    sys.exit(main())
