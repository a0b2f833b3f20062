"""Find a project's settings and start Django on them without ever connecting to its databases."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

from migsafe.errors import MigsafeError, ProjectImportError, describe_exception, innermost_frame_in

OFFLINE_ENGINE = "migsafe.render.offline"
LIVE_ENGINE = "migsafe.render.live"

# Folders never searched for settings: virtualenvs, caches, VCS and front-end trees.
_SKIP_DIRS = {
    ".git", ".hg", ".tox", ".nox", ".venv", "venv", "env", "node_modules", "__pycache__",
    "site-packages", ".mypy_cache", ".pytest_cache", "build", "dist", ".eggs",
}
_ENV_HINT_PATTERNS = (
    # django-environ: "Set the SECRET_KEY environment variable"
    re.compile(r"Set the (\w+) environment variable"),
    # python-decouple: "SECRET_KEY not found. Declare it as envvar or define a default value."
    re.compile(r"^(\w+) not found\. Declare it as envvar"),
    # Django's own ImproperlyConfigured for settings read from the environment
    re.compile(r"environment variable (\w+)"),
)


@dataclass
class Project:
    """A Django project ready to be analysed (Django is set up when this exists)."""

    root: Path
    settings_module: str
    settings_source: str  # how the settings module was found, for messages
    sys_path: list[Path] = field(default_factory=list)

    def contains(self, filename: str | None) -> bool:
        """Whether a file belongs to the project itself (not an installed package)."""
        if not filename:
            return False
        try:
            path = Path(filename).resolve()
        except OSError:
            return False
        return path.is_relative_to(self.root) and not any(
            part in _SKIP_DIRS for part in path.relative_to(self.root).parts
        )

    def relative(self, filename: str | None) -> str | None:
        """A path relative to the project root where possible, as users see it in their repo."""
        if not filename:
            return None
        path = Path(filename).resolve()
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)


def read_env_file(path: Path) -> dict[str, str]:
    """Parse a dotenv file: KEY=VALUE lines, optional ``export``, quotes and comments."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MigsafeError(f"cannot read env file {path}: {exc.strerror}") from exc
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise MigsafeError(
                f"{path}:{number}: expected KEY=VALUE, got {raw.strip()!r}",
                hint="fix the line or remove it from the env file",
            )
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
    return values


def parse_env_pairs(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise MigsafeError(f"--env expects KEY=VALUE, got {pair!r}")
        values[key] = value
    return values


def read_tool_config(root: Path) -> dict:
    """The ``[tool.migsafe]`` table of ROOT/pyproject.toml, or {}."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MigsafeError(
            f"{pyproject}: cannot be read as TOML: {exc}",
            hint="fix the file; migsafe reads its [tool.migsafe] table",
        ) from exc
    return data.get("tool", {}).get("migsafe", {})


def project_sys_path(root: Path) -> list[Path]:
    """PATH itself and, for a src/ layout, PATH/src."""
    paths = [root]
    if (root / "src").is_dir():
        paths.append(root / "src")
    return paths


def _walk_python_files(root: Path, names: set[str], max_depth: int = 4):
    """Yield files called one of NAMES below ROOT, shallowest first, skipping vendored trees."""
    seen: set[Path] = set()
    level = [root]
    for _depth in range(max_depth + 1):
        next_level = []
        for folder in level:
            try:
                real = folder.resolve()
                if real in seen:  # symlink loops
                    continue
                seen.add(real)
                entries = sorted(folder.iterdir())
            except OSError:
                continue
            for entry in entries:
                if entry.name in names and entry.is_file():
                    yield entry
                elif entry.is_dir() and entry.name not in _SKIP_DIRS and not entry.name.startswith("."):
                    next_level.append(entry)
        level = next_level


def _settings_literal(path: Path) -> str | None:
    """The module in ``os.environ.setdefault("DJANGO_SETTINGS_MODULE", "...")`` (or
    ``os.environ["DJANGO_SETTINGS_MODULE"] = "..."``), the first in the file; read with ast,
    which is already loaded, where libcst's matchers cost most of a second to import."""
    import ast

    try:
        module = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None

    def text(node) -> str | None:
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None

    calls, assigns = [], []
    for node in ast.walk(module):
        if isinstance(node, ast.Call) and len(node.args) == 2 and not node.keywords:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name == "setdefault" and text(node.args[0]) == "DJANGO_SETTINGS_MODULE" and text(node.args[1]):
                calls.append((node.lineno, node.col_offset, text(node.args[1])))
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and text(node.value):
            target = node.targets[0]
            if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute)
                    and target.value.attr == "environ" and text(target.slice) == "DJANGO_SETTINGS_MODULE"):
                assigns.append((node.lineno, node.col_offset, text(node.value)))
    found = min(calls) if calls else min(assigns) if assigns else None
    return found[2] if found else None


def _module_for(path: Path, roots: list[Path]) -> str | None:
    """Dotted module name of a settings file or package relative to one of ROOTS."""
    target = path.parent if path.name == "__init__.py" else path.with_suffix("")
    for root in sorted(roots, key=lambda p: len(p.parts), reverse=True):
        try:
            rel = target.relative_to(root)
        except ValueError:
            continue
        return ".".join(rel.parts)
    return None


def find_settings(root: Path, explicit: str | None = None, config: dict | None = None) -> tuple[str, str]:
    """Return (module, how it was found), in the documented order."""
    if explicit:
        return explicit, "--settings"
    config = config if config is not None else read_tool_config(root)
    if config.get("settings"):
        return str(config["settings"]), "[tool.migsafe] settings in pyproject.toml"
    if os.environ.get("DJANGO_SETTINGS_MODULE"):
        return os.environ["DJANGO_SETTINGS_MODULE"], "DJANGO_SETTINGS_MODULE"
    for candidate in _walk_python_files(root, {"manage.py", "wsgi.py", "asgi.py"}, max_depth=3):
        module = _settings_literal(candidate)
        if module:
            return module, f"the DJANGO_SETTINGS_MODULE default in {candidate.relative_to(root)}"
    roots = project_sys_path(root)
    found = [p for p in _walk_python_files(root, {"settings.py"}, max_depth=3)]
    found += [p for p in _walk_python_files(root, {"__init__.py"}, max_depth=4) if p.parent.name == "settings"]
    modules = sorted({m for m in (_module_for(p, roots) for p in found) if m})
    if len(modules) == 1:
        return modules[0], f"the lone settings module at {found[0].relative_to(root)}"
    if len(modules) > 1:
        raise MigsafeError(
            f"{root}: several settings modules found ({', '.join(modules)}) and none chosen",
            hint="pass --settings MODULE or set [tool.migsafe] settings in pyproject.toml",
        )
    has_migrations = any(
        p.parent.name == "migrations" for p in _walk_python_files(root, {"__init__.py"}, max_depth=5)
    )
    what = "Django migrations but no settings module" if has_migrations else "no Django project"
    raise MigsafeError(
        f"{root}: {what} found (no manage.py/wsgi.py/asgi.py naming one, no settings.py)",
        hint="point migsafe at the folder that holds manage.py, or pass --settings MODULE",
    )


def _missing_env_var(exc: BaseException) -> str | None:
    if isinstance(exc, KeyError) and exc.args and isinstance(exc.args[0], str):
        frames = [f.line or "" for f in __import__("traceback").extract_tb(exc.__traceback__)]
        if any("environ" in line or "getenv" in line for line in frames) or exc.args[0].isupper():
            return exc.args[0]
    message = str(exc)
    for pattern in _ENV_HINT_PATTERNS:
        match = pattern.search(message)
        if match:
            return match.group(1)
    return None


def _import_settings(module: str, source: str, root: Path) -> None:
    from django.conf import settings

    os.environ["DJANGO_SETTINGS_MODULE"] = module
    try:
        spec = find_spec(module)
    except (ImportError, ValueError) as exc:
        spec = None
        if not isinstance(exc, ModuleNotFoundError):
            raise MigsafeError(f"settings module {module!r} ({source}): {describe_exception(exc)}") from exc
    if spec is None:
        raise MigsafeError(
            f"settings module {module!r} ({source}) cannot be found on {root}",
            hint="check the module path, or pass --settings with the right dotted path",
        )
    filename = spec.origin
    try:
        settings.INSTALLED_APPS  # noqa: B018 - importing the settings module happens here
    except Exception as exc:  # the user's settings may raise anything
        line = innermost_frame_in(exc, filename) if filename else None
        where = f"{filename}:{line}" if line else filename
        variable = _missing_env_var(exc)
        hint = (
            f"the settings need the environment variable {variable}: pass --env {variable}=... "
            "or --env-file PATH"
            if variable
            else "fix the settings module, or pass --settings with one that imports without side effects"
        )
        raise ProjectImportError(
            f"settings module {module!r} ({where}) failed to import: {describe_exception(exc)}",
            hint=hint,
        ) from exc


def _setup_hint(exc: BaseException) -> str:
    from django.core.exceptions import ImproperlyConfigured

    if isinstance(exc, ImportError):
        missing = getattr(exc, "name", None) or "a package"
        return f"an installed app imports {missing}: install the project's requirements in this environment"
    if isinstance(exc, ImproperlyConfigured):
        return "the settings are incomplete for one of INSTALLED_APPS; fix them or pass --settings"
    return "an installed app failed while starting; run `python -c 'import django; django.setup()'` to see it"


def offline_database(pg_version: int) -> dict:
    return {"ENGINE": OFFLINE_ENGINE, "NAME": "migsafe_offline", "MIGSAFE_PG_VERSION": pg_version}


def load_project(
    path: str | Path,
    *,
    settings_module: str | None = None,
    env: dict[str, str] | None = None,
    database: dict | None = None,
    config: dict | None = None,
) -> Project:
    """Import the project's settings and run ``django.setup()`` against DATABASE (offline by default)."""
    root = Path(path).resolve()
    if not root.exists():
        raise MigsafeError(f"{path}: no such folder")
    if not root.is_dir():
        raise MigsafeError(f"{path}: not a folder", hint="pass the folder that holds the Django project")
    for key, value in (env or {}).items():
        os.environ[key] = value
    module, source = find_settings(root, settings_module, config)
    paths = project_sys_path(root)
    for entry in reversed(paths):
        if str(entry) not in sys.path:
            sys.path.insert(0, str(entry))
    _import_settings(module, source, root)

    import django
    from django.conf import settings

    # Nothing may connect to the project's real databases: every alias is replaced.
    settings.DATABASES = {"default": database or offline_database(160000)}
    settings.DATABASE_ROUTERS = []
    try:
        django.setup()
    except Exception as exc:
        raise ProjectImportError(
            f"Django could not start with {module!r}: {describe_exception(exc)}", hint=_setup_hint(exc)
        ) from exc
    return Project(root=root, settings_module=module, settings_source=source, sys_path=paths)
