"""`migsafe resolve`: rebase or merge a branch's migrations after REF's, or refuse.

Each test builds a real git repository: the base project committed on main, a "feature"
branch, migrations committed on both, and the resolver run from feature with --base main.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECTS, REPO, run_json, run_migsafe

BASE = PROJECTS / "resolve_base"
FINAL_STATE = Path(__file__).resolve().parent / "final_state.py"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    assert result.returncode == 0, result.stderr
    return result.stdout


def commit(root: Path, files: dict[str, str], message: str = "change") -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


def _environment() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def resolve(root: Path, *args: str, base: str = "main") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "migsafe", "resolve", str(root), "--base", base, *args],
                          capture_output=True, text=True, cwd=REPO, env=_environment(), timeout=300)


def resolve_json(root: Path, *args: str, **kwargs):
    result = resolve(root, *args, "--format", "json", **kwargs)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout), result


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the work tree (not .git, not caches), to prove nothing was written."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts and "__pycache__" not in p.parts
    }


def migration(dependencies: str, operations: str, imports: str = "", extra: str = "") -> str:
    return (
        f"from django.db import migrations, models\n{imports}\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = {dependencies}\n{extra}\n"
        f"    operations = [\n{operations}\n    ]\n"
    )


def add_field(model: str, name: str, field: str) -> str:
    return f'        migrations.AddField(model_name="{model}", name="{name}", field={field}),'


# -- the scenario most tests share ---------------------------------------------------------
MAIN = {
    "shop/migrations/0002_item_sku.py": migration(
        '[("shop", "0001_initial")]', add_field("item", "sku", 'models.CharField(max_length=20, default="")')),
    # positional form, read statically from git
    "shop/migrations/0003_category_slug.py": migration(
        '[("shop", "0002_item_sku")]', '        migrations.AddField("category", "slug", models.SlugField(default="")),'),
    "shop/migrations/max_migration.txt": "0003_category_slug\n",
}
# Hand-formatted on purpose: quotes, comments and layout must come through the rebase untouched.
ITEM_STOCK = """\
# A hand-edited migration: comments and layout must survive the rebase.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('shop', '0001_initial'),   # the initial schema
    ]  # end of dependencies

    operations = [
        migrations.AddField(
            model_name='item', name='stock',
            field=models.IntegerField(default=0),  # units on hand
        ),
    ]
"""
TAG = migration(
    '[\n        ("shop", "0002_item_stock"),\n    ]',
    """        migrations.CreateModel(
            name="Tag",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("label", models.CharField(max_length=30)),
                ("category", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="shop.category")),
            ],
        ),""",
    imports="import django.db.models.deletion\n",
)
FEATURE = {
    "shop/migrations/0002_item_stock.py": ITEM_STOCK,
    "shop/migrations/0003_tag.py": TAG,
    "blog/migrations/0002_post_subtitle.py": migration(
        '[("blog", "0001_initial")]', add_field("post", "subtitle", 'models.CharField(max_length=100, default="")'),
        extra='    run_before = [("shop", "0002_item_stock")]\n'),
    "blog/migrations/0003_post_tag.py": migration(
        '[\n        ("blog", "0002_post_subtitle"),\n        ("shop", "0003_tag"),\n    ]',
        add_field("post", "tag", 'models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, '
                                 'to="shop.tag")'),
        imports="import django.db.models.deletion\n"),
    "shop/migrations/max_migration.txt": "0003_tag\n",
}
FINAL = [
    ["blog", "post", ["id", "subtitle", "tag", "title"]],
    ["shop", "category", ["id", "slug", "title"]],
    ["shop", "item", ["id", "name", "price", "sku", "stock"]],
    ["shop", "tag", ["category", "id", "label"]],
]


@pytest.fixture
def repo(tmp_path) -> Path:
    """The base project committed on main, with a feature branch at the same commit."""
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    git(root, "init", "-q", "-b", "main")
    commit(root, {}, "base")
    git(root, "branch", "feature")
    return root


def diverge(root: Path, main: dict, feature: dict) -> Path:
    commit(root, main, "main's migrations")
    git(root, "checkout", "-q", "feature")
    commit(root, feature, "feature's migrations")
    return root


@pytest.fixture
def diverged(repo) -> Path:
    return diverge(repo, MAIN, FEATURE)


def merge_main(root: Path) -> None:
    """Commit the resolution and merge main, as the pull request would (max_migration.txt is
    changed on both sides, so its conflict takes the branch's value)."""
    git(root, "add", "-A")
    git(root, "commit", "-qm", "resolve migrations")
    git(root, "merge", "-q", "--no-edit", "-X", "ours", "main")


def final_state(root: Path) -> list:
    result = subprocess.run([sys.executable, str(FINAL_STATE), str(root), "shop", "blog"], capture_output=True,
                            text=True, cwd=REPO, env=_environment(), timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# -- rebase -------------------------------------------------------------------------------
def test_plan_without_write_prints_the_plan_and_writes_nothing(diverged):
    before = snapshot(diverged)
    result = resolve(diverged)
    assert result.returncode == 0, result.stderr
    assert "shop: main added 0002_item_sku, 0003_category_slug; this branch added 0002_item_stock, 0003_tag" \
        in result.stdout
    assert "rename shop/migrations/0002_item_stock.py -> 0004_item_stock.py" in result.stdout
    assert "max_migration.txt: 0003_tag -> 0005_tag" in result.stdout
    assert "blog/migrations/0003_post_tag.py: dependencies shop.0003_tag -> shop.0005_tag" in result.stdout
    assert result.stdout.rstrip().endswith("Plan only: run again with --write to apply it.")
    assert snapshot(diverged) == before


def test_rebase_renumbers_and_rewrites_every_reference(diverged):
    data, result = resolve_json(diverged, "--write")
    assert result.returncode == 0
    shop = data["apps"]["shop"]
    assert shop["base"] == ["0002_item_sku", "0003_category_slug"]
    assert shop["branch"] == ["0002_item_stock", "0003_tag"]
    assert shop["renames"] == {"0002_item_stock": "0004_item_stock", "0003_tag": "0005_tag"}
    assert shop["merge"] is None and data["refusals"] == []
    assert data["apps"]["blog"]["renames"] == {} and data["apps"]["blog"]["base"] == []
    folder = diverged / "shop" / "migrations"
    assert not (folder / "0002_item_stock.py").exists() and not (folder / "0003_tag.py").exists()
    # Byte for byte, only the string naming the dependency changed.
    assert (folder / "0004_item_stock.py").read_text() == ITEM_STOCK.replace("'0001_initial'", "'0003_category_slug'")
    assert (folder / "0005_tag.py").read_text() == TAG.replace('"0002_item_stock"', '"0004_item_stock"')
    # A later branch migration of another app follows the renames (dependencies and run_before).
    blog = diverged / "blog" / "migrations"
    assert (blog / "0003_post_tag.py").read_text() == FEATURE["blog/migrations/0003_post_tag.py"].replace(
        '("shop", "0003_tag")', '("shop", "0005_tag")')
    assert (blog / "0002_post_subtitle.py").read_text() == FEATURE["blog/migrations/0002_post_subtitle.py"].replace(
        '"0002_item_stock"', '"0004_item_stock"')
    assert (folder / "max_migration.txt").read_text() == "0005_tag\n"
    assert sorted(data["written"]) == [
        "blog/migrations/0002_post_subtitle.py", "blog/migrations/0003_post_tag.py",
        "shop/migrations/0004_item_stock.py", "shop/migrations/0005_tag.py", "shop/migrations/max_migration.txt",
    ]
    assert sorted(data["removed"]) == ["shop/migrations/0002_item_stock.py", "shop/migrations/0003_tag.py"]


def test_rebased_history_loads_in_django_without_conflicts(diverged):
    assert resolve(diverged, "--write").returncode == 0
    merge_main(diverged)
    data, result = run_json("graph", diverged)
    assert result.returncode == 0, result.stderr
    assert not any(app["conflict"] for app in data["apps"].values())
    assert data["problems"] == [] and data["skipped"] == []
    assert [m["name"] for m in data["apps"]["shop"]["migrations"]] == [
        "0001_initial", "0002_item_sku", "0003_category_slug", "0004_item_stock", "0005_tag"]
    plan = [tuple(key) for key in data["plan"]]
    assert plan.index(("blog", "0002_post_subtitle")) < plan.index(("shop", "0004_item_stock"))  # run_before kept


def test_rebased_final_state_has_both_sides_changes(diverged):
    assert resolve(diverged, "--write").returncode == 0
    merge_main(diverged)
    assert final_state(diverged) == FINAL


def test_rebased_migrations_apply_on_postgresql(diverged, scratch_db):
    assert resolve(diverged, "--write").returncode == 0
    merge_main(diverged)
    result = run_migsafe("sql", diverged, "--database-url", scratch_db)
    assert result.returncode == 0, result.stderr
    assert "could not be rendered" not in result.stderr
    assert 'ALTER TABLE "shop_item" ADD COLUMN "stock" integer DEFAULT 0 NOT NULL' in result.stdout


def test_second_run_after_a_rebase_has_nothing_to_do(repo):
    main = {"shop/migrations/0002_item_sku.py": MAIN["shop/migrations/0002_item_sku.py"]}
    diverge(repo, main, {"shop/migrations/0002_item_stock.py": ITEM_STOCK})
    assert resolve(repo, "--write").returncode == 0
    before = snapshot(repo)
    data, result = resolve_json(repo, "--write")  # uncommitted, yet nothing to rewrite: no dirty-tree error
    assert result.returncode == 0, result.stderr
    shop = data["apps"]["shop"]
    assert shop["branch"] == ["0003_item_stock"] and shop["renames"] == {} and data["written"] == []
    assert "already come after main's leaf 0002_item_sku" in shop["note"]
    assert snapshot(repo) == before


def test_second_run_before_merging_with_a_run_before_reference(diverged):
    assert resolve(diverged, "--write").returncode == 0
    assert resolve(diverged).returncode == 0


def test_a_number_already_after_refs_leaf_is_kept(repo):
    main = {"shop/migrations/0002_item_sku.py": MAIN["shop/migrations/0002_item_sku.py"]}
    diverge(repo, main, {"shop/migrations/0007_item_stock.py": ITEM_STOCK})
    data, _ = resolve_json(repo, "--write")
    assert data["apps"]["shop"]["renames"] == {}
    assert (repo / "shop/migrations/0007_item_stock.py").read_text() == ITEM_STOCK.replace(
        "'0001_initial'", "'0002_item_sku'")


def test_same_name_on_both_sides_moves_the_branchs_file(repo):
    sku = MAIN["shop/migrations/0002_item_sku.py"]
    stock = migration('[("shop", "0001_initial")]', add_field("item", "stock", "models.IntegerField(default=0)"))
    diverge(repo, {"shop/migrations/0002_auto.py": sku}, {"shop/migrations/0002_auto.py": stock})
    data, _ = resolve_json(repo, "--write")
    assert data["apps"]["shop"]["renames"] == {"0002_auto": "0003_auto"}
    assert (repo / "shop/migrations/0003_auto.py").read_text() == stock.replace('"0001_initial"', '"0002_auto"')
    merge_main(repo)
    assert [m for m in final_state(repo) if m[1] == "item"] == [["shop", "item", ["id", "name", "price", "sku", "stock"]]]


def test_apps_where_only_one_side_added_migrations_need_nothing(repo):
    post = migration('[("blog", "0001_initial")]', add_field("post", "subtitle", "models.TextField(default='')"))
    stock = {"shop/migrations/0002_item_stock.py": ITEM_STOCK}
    diverge(repo, {"blog/migrations/0002_post_subtitle.py": post}, stock)
    before = snapshot(repo)
    data, result = resolve_json(repo, "--write")
    assert result.returncode == 0
    assert data["apps"]["blog"]["base"] == ["0002_post_subtitle"] and data["apps"]["blog"]["branch"] == []
    assert data["apps"]["shop"]["action"] == "none" and data["written"] == []
    assert snapshot(repo) == before
    assert resolve(repo).stdout.rstrip().endswith("Nothing to do.")


# -- merge --------------------------------------------------------------------------------
def test_merge_strategy_writes_a_merge_migration(diverged):
    data, result = resolve_json(diverged, "--strategy", "merge", "--write")
    assert result.returncode == 0, result.stderr
    name = "0004_merge_0003_category_slug_0003_tag"
    assert data["apps"]["shop"]["merge"] == name and data["apps"]["shop"]["renames"] == {}
    assert sorted(data["written"]) == [f"shop/migrations/{name}.py", "shop/migrations/max_migration.txt"]
    text = (diverged / "shop" / "migrations" / f"{name}.py").read_text()
    assert "('shop', '0003_category_slug'),\n        ('shop', '0003_tag'),\n" in text
    assert "operations = [\n    ]" in text
    assert (diverged / "shop" / "migrations" / "max_migration.txt").read_text() == f"{name}\n"
    assert (diverged / "shop" / "migrations" / "0002_item_stock.py").read_text() == ITEM_STOCK
    merge_main(diverged)
    graph, _ = run_json("graph", diverged)
    assert graph["apps"]["shop"]["leaves"] == [name] and graph["problems"] == []
    assert final_state(diverged) == FINAL


# -- refusals -----------------------------------------------------------------------------
def _alter_name(length):
    return f'        migrations.AlterField(model_name="item", name="name", field=models.CharField(max_length={length})),'


REFUSALS = {
    "both alter the same field": (
        _alter_name(100), _alter_name(80),
        "both sides alter field shop.item.name",
    ),
    "rename a model the other adds to": (
        '        migrations.RenameModel("Item", "Product"),',
        add_field("item", "stock", "models.IntegerField(default=0)"),
        "main renames model shop.item to Product, but this branch adds field shop.item.stock",
    ),
    "rename a field the other alters": (
        '        migrations.RenameField(model_name="item", old_name="name", new_name="title"),',
        _alter_name(80),
        "main renames field shop.item.name to title, but this branch alters field shop.item.name",
    ),
    "delete a model the other adds an FK to": (
        '        migrations.DeleteModel(name="Category"),',
        add_field("item", "category", 'models.ForeignKey(null=True, on_delete=models.CASCADE, to="shop.category")'),
        "main deletes model shop.category, but this branch references model shop.category",
    ),
    "the same field name added twice": (
        add_field("item", "sku", "models.CharField(max_length=20, default='')"),
        add_field("item", "sku", "models.IntegerField(default=0)"),
        "both sides add field shop.item.sku",
    ),
    "the same model created twice": (
        '        migrations.CreateModel("Tag", [("id", models.BigAutoField(primary_key=True))]),',
        '        migrations.CreateModel(name="tag", fields=[("id", models.AutoField(primary_key=True))]),',
        "both sides create model shop.tag",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_operations_that_do_not_commute_are_refused(repo, case):
    theirs, ours, reason = REFUSALS[case]
    diverge(repo, {"shop/migrations/0002_theirs.py": migration('[("shop", "0001_initial")]', theirs)},
            {"shop/migrations/0002_ours.py": migration('[("shop", "0001_initial")]', ours)})
    before = snapshot(repo)
    data, result = resolve_json(repo, "--write")
    assert result.returncode == 1
    assert [r["reason"] for r in data["refusals"]] == [reason]
    refusal = data["refusals"][0]
    assert refusal["app"] == "shop"
    assert refusal["ours"]["side"] == "branch" and refusal["ours"]["migration"] == "0002_ours"
    assert refusal["theirs"]["side"] == "base" and refusal["theirs"]["migration"] == "0002_theirs"
    assert refusal["ours"]["operation_index"] == 0 and refusal["ours"]["operation"]
    assert refusal["theirs"]["file"] == "shop/migrations/0002_theirs.py" and refusal["theirs"]["line"] == 8
    assert data["written"] == [] and data["apps"]["shop"]["action"] == "refused"
    assert snapshot(repo) == before and git(repo, "status", "--porcelain") == ""


def test_refusal_text_names_both_operations(repo):
    theirs, ours, reason = REFUSALS["delete a model the other adds an FK to"]
    diverge(repo, {"shop/migrations/0002_theirs.py": migration('[("shop", "0001_initial")]', theirs)},
            {"shop/migrations/0002_ours.py": migration('[("shop", "0001_initial")]', ours)})
    result = resolve(repo, "--strategy", "merge", "--write")
    assert result.returncode == 1
    assert f"  shop: {reason}" in result.stdout
    assert "    this branch: shop.0002_ours operation 0: Add field category to item  " \
           "(shop/migrations/0002_ours.py:8)" in result.stdout
    assert "    main: shop.0002_theirs operation 0: Delete model Category" in result.stdout
    assert "no files written" in result.stdout


def test_changes_to_different_fields_of_one_model_commute(repo):
    theirs = _alter_name(100)
    ours = '        migrations.RemoveField(model_name="item", name="price"),'
    diverge(repo, {"shop/migrations/0002_theirs.py": migration('[("shop", "0001_initial")]', theirs)},
            {"shop/migrations/0002_ours.py": migration('[("shop", "0001_initial")]', ours)})
    data, result = resolve_json(repo)
    assert result.returncode == 0 and data["refusals"] == []
    assert data["apps"]["shop"]["renames"] == {"0002_ours": "0003_ours"}


# -- errors -------------------------------------------------------------------------------
def test_unknown_ref_is_a_usage_error(diverged):
    result = resolve(diverged, base="no-such-branch")
    assert result.returncode == 2
    assert "unknown git ref 'no-such-branch'" in result.stderr and "hint:" in result.stderr


def test_outside_git_is_a_usage_error(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    result = resolve(root)
    assert result.returncode == 2
    assert "is not inside a git repository" in result.stderr and "hint:" in result.stderr


def test_uncommitted_changes_in_files_to_rewrite_stop_the_write(diverged):
    path = diverged / "shop" / "migrations" / "0003_tag.py"
    path.write_text(path.read_text() + "# work in progress\n")
    before = snapshot(diverged)
    result = resolve(diverged, "--write")
    assert result.returncode == 2
    assert "uncommitted changes in files resolve must rewrite: shop/migrations/0003_tag.py" in result.stderr
    assert "commit or stash" in result.stderr
    assert snapshot(diverged) == before
    assert resolve(diverged).returncode == 0  # the plan alone is fine


# -- the pieces, in process (no Django needed) --------------------------------------------
def _parse(text: str, app: str = "shop"):
    from migsafe.resolve.parse import parse_migration

    return parse_migration(text.encode(), app, "0002_x", Path("0002_x.py"), "branch", user_model="accounts.User")


def test_parser_reads_positional_and_keyword_forms():
    source = _parse(migration(
        '[("shop", "0001_initial"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]',
        """        migrations.AddField("Item", "owner", models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE)),
        migrations.RenameField("item", "name", "title"),
        migrations.AddIndex(model_name="item", index=models.Index(fields=["-price"], name="item_price_idx")),
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel("Category")]),
        migrations.RunPython(forwards, migrations.RunPython.noop),""",
        imports="from django.conf import settings\n\n\ndef forwards(apps, schema_editor):\n"
                "    apps.get_model('blog', 'Post').objects.all()\n"))
    assert source.dependencies == [("shop", "0001_initial"), ("accounts", "__first__")]
    effects = [{(e.verb, e.target) for e in op.effects} for op in source.operations]
    assert effects[0] == {("create", ("field", "shop", "item", "owner")), ("ref", ("model", "accounts", "user"))}
    assert ("rename", ("field", "shop", "item", "name")) in effects[1]
    assert effects[2] == {("create", ("index", "shop", "item", "item_price_idx")),
                          ("ref", ("field", "shop", "item", "price"))}
    assert effects[3] == {("delete", ("model", "shop", "category"))}
    assert effects[4] == {("ref", ("model", "blog", "post"))}
    assert [op.description for op in source.operations] == [
        "Add field owner to Item", "Rename field name on item to title",
        "Create index item_price_idx on field(s) -price of model item",
        "Custom state/database change combination", "Raw Python operation",
    ]


def test_rewriter_changes_only_the_named_strings_in_all_three_lists():
    from migsafe.resolve.rewrite import rewrite_keys

    text = (
        "class Migration(migrations.Migration):\n"
        "    replaces = [('shop', '0002_a'), (\"shop\", \"0003_b\")]  # squashed\n"
        "    dependencies = [\n        ('shop', '0001_initial'),\n        ['blog', '0002_a'],\n    ]\n"
        "    run_before = (('shop', '0002_a'),)\n"
        "    operations = [migrations.RunSQL(('shop', '0002_a'))]\n"
    )
    mapping = {("shop", "0002_a"): ("shop", "0012_a"), ("shop", "0003_b"): ("shop", "0013_b")}
    new, changed = rewrite_keys(text.encode(), {"replaces": mapping, "run_before": mapping,
                                                "dependencies": {("shop", "0001_initial"): ("shop", "0011_z")}},
                                Path("x.py"))
    assert new.decode() == (
        "class Migration(migrations.Migration):\n"
        "    replaces = [('shop', '0012_a'), (\"shop\", \"0013_b\")]  # squashed\n"
        "    dependencies = [\n        ('shop', '0011_z'),\n        ['blog', '0002_a'],\n    ]\n"
        "    run_before = (('shop', '0012_a'),)\n"
        "    operations = [migrations.RunSQL(('shop', '0002_a'))]\n"
    )
    assert len(changed) == 4


def test_runpython_models_and_renames_do_not_commute():
    from migsafe.resolve.commute import find_refusals

    ours = _parse(migration("[]", "        migrations.RunPython(lambda apps, se: apps.get_model('shop.Item')),"))
    theirs = _parse(migration("[]", '        migrations.RenameModel("Item", "Product"),'))
    theirs.side = "base"
    (refusal,) = find_refusals([ours], [theirs], "main")
    assert refusal.reason == "main renames model shop.item to Product, but this branch references model shop.item"
    other = _parse(migration("[]", '        migrations.AlterField("item", "name", models.TextField()),'))
    assert find_refusals([ours], [other], "main") == []


def test_rewrite_check_accepts_swappable_and_catches_what_it_cannot_rewrite():
    from migsafe.errors import MigsafeError
    from migsafe.resolve.plan import check_rewrite
    from migsafe.resolve.rewrite import rewrite_keys

    mappings = {"dependencies": {("shop", "0001_initial"): ("shop", "0003_x")}, "run_before": {}, "replaces": {}}
    text = migration('[migrations.swappable_dependency(settings.AUTH_USER_MODEL), ("shop", "0001_initial")]', "",
                     imports="from django.conf import settings\n")
    source = _parse(text)  # AUTH_USER_MODEL is accounts.User here
    content, _ = rewrite_keys(source.source, mappings, source.path)
    check_rewrite(source, content, mappings)
    assert content.decode() == text.replace('"0001_initial"', '"0003_x"')
    concatenated = _parse(migration('[("shop", "0001_" "initial")]', ""))
    content, changed = rewrite_keys(concatenated.source, mappings, concatenated.path)
    assert changed == []
    with pytest.raises(MigsafeError, match="cannot rewrite its dependencies"):
        check_rewrite(concatenated, content, mappings)


def test_project_in_a_subfolder_of_the_repository(tmp_path):
    top = tmp_path / "repo"
    root = top / "backend"
    shutil.copytree(BASE, root)
    git(top, "init", "-q", "-b", "main")
    commit(top, {}, "base")
    git(top, "branch", "feature")
    commit(top, {"backend/shop/migrations/0002_item_sku.py": MAIN["shop/migrations/0002_item_sku.py"]})
    git(top, "checkout", "-q", "feature")
    commit(top, {"backend/shop/migrations/0002_item_stock.py": ITEM_STOCK})
    data, result = resolve_json(root, "--write")
    assert result.returncode == 0, result.stderr
    assert data["apps"]["shop"]["renames"] == {"0002_item_stock": "0003_item_stock"}
    assert data["written"] == ["shop/migrations/0003_item_stock.py", "shop/migrations/max_migration.txt"]
    merge_main(top)
    assert [m for m in final_state(root) if m[1] == "item"] == [["shop", "item", ["id", "name", "price", "sku", "stock"]]]


def test_during_a_merge_refs_files_in_the_work_tree_are_theirs(repo):
    main = {"shop/migrations/0002_item_sku.py": MAIN["shop/migrations/0002_item_sku.py"]}
    diverge(repo, main, {"shop/migrations/0002_item_stock.py": ITEM_STOCK})
    git(repo, "merge", "-q", "--no-commit", "--no-ff", "main")
    data, result = resolve_json(repo, "--write")
    assert result.returncode == 0, result.stderr
    assert data["apps"]["shop"]["branch"] == ["0002_item_stock"]
    assert data["apps"]["shop"]["renames"] == {"0002_item_stock": "0003_item_stock"}
    graph, _ = run_json("graph", repo)
    assert graph["apps"]["shop"]["leaves"] == ["0003_item_stock"] and graph["problems"] == []
