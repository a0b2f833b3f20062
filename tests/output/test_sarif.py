"""`check --format sarif`: a SARIF 2.1.0 log GitHub code scanning accepts."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import SAMPLE, run_migsafe

SCHEMA = Path(__file__).resolve().parent.parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def logs():
    """(the SARIF log, the JSON contract) of the same sample check."""
    sarif = run_migsafe("check", SAMPLE, "--format", "sarif")
    assert sarif.returncode == 1, sarif.stderr
    check = json.loads(run_migsafe("check", SAMPLE, "--format", "json").stdout)
    return json.loads(sarif.stdout), check


def test_log_validates_against_the_official_2_1_0_schema(logs):
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(logs[0])


def test_every_finding_is_a_result_on_its_file_and_line(logs):
    sarif, check = logs
    results = sarif["runs"][0]["results"]
    assert len(results) == len(check["findings"])
    located = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results}
    for finding in check["findings"]:
        assert (finding["rule"], f"sample_migrations/{finding['file']}", finding["line"]) in located


def test_paths_are_relative_to_the_repository_root(logs):
    run = logs[0]["runs"][0]
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"].startswith("sample_migrations/") and uri["uriBaseId"] == "%SRCROOT%"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == SAMPLE.parent.as_uri() + "/"


def test_severities_map_to_sarif_levels(logs):
    levels = {(r["ruleId"], r["level"]) for r in logs[0]["runs"][0]["results"]}
    assert ("MS102", "error") in levels and ("MS106", "warning") in levels and ("MS109", "note") in levels


def test_a_finding_ignored_inline_is_a_suppressed_result(logs):
    suppressed = [r for r in logs[0]["runs"][0]["results"] if r.get("suppressions")]
    assert [s["suppressions"][0] for s in suppressed] == [
        {"kind": "inSource", "justification": "customers table holds ~2k rows; build takes <1s"}]


def test_rules_carry_their_title_why_and_fix(logs):
    rules = {r["id"]: r for r in logs[0]["runs"][0]["tool"]["driver"]["rules"]}
    ms102 = rules["MS102"]
    assert ms102["shortDescription"]["text"] == "SET NOT NULL scans the table under ACCESS EXCLUSIVE"
    assert "**Instead:** Add CHECK (col IS NOT NULL) NOT VALID" in ms102["help"]["markdown"]
    assert ms102["defaultConfiguration"]["level"] == "error"


def test_results_carry_the_lock_facts(logs):
    result = next(r for r in logs[0]["runs"][0]["results"] if r["ruleId"] == "MS102")
    assert result["properties"]["lockMode"] == "ACCESS EXCLUSIVE" and result["properties"]["scansTable"] is True
    assert result["partialFingerprints"]["migsafeFinding/v1"]
