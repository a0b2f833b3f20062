"""`check --format github`: workflow commands GitHub turns into annotations on the diff."""

from __future__ import annotations

import json

import pytest

from migsafe.output.github import command
from tests.conftest import SAMPLE, run_migsafe


@pytest.fixture(scope="module")
def lines():
    result = run_migsafe("check", SAMPLE, "--format", "github")
    assert result.returncode == 1, result.stderr
    check = json.loads(run_migsafe("check", SAMPLE, "--format", "json").stdout)
    return result.stdout.splitlines(), check


def test_a_command_escapes_newlines_and_property_separators():
    line = command("error", "50% done\nnext", file="a,b:c.py", line=3, title="MS1: x")
    assert line == "::error file=a%2Cb%3Ac.py,line=3,title=MS1%3A x::50%25 done%0Anext"


def test_every_active_finding_is_one_annotation(lines):
    output, check = lines
    active = [f for f in check["findings"] if not f.get("suppressed")]
    assert len([line for line in output if line.startswith(("::error", "::warning", "::notice"))]) == len(active)


def test_an_annotation_points_at_the_operation_line_from_the_repository_root(lines):
    assert any(line.startswith(
        "::error file=sample_migrations/catalog/migrations/0004_alter_product_sku_not_null.py,line=14,"
        "title=MS102 SET NOT NULL scans the table under ACCESS EXCLUSIVE::catalog.0004_alter_product_sku_not_null "
        "[0] Alter field sku on product: SET NOT NULL on catalog_product.sku") for line in lines[0])


def test_infos_are_notices(lines):
    assert any(line.startswith("::notice ") and "title=MS109" in line for line in lines[0])


def test_the_summary_line_ends_the_output(lines):
    output, check = lines
    assert output[-1].startswith(f"FAIL: {check['summary']['migrations']} migrations, ")
