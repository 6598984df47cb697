"""`accord qa`: agreement on a file of labels, and a project's report, locally and remotely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import ADMIN, ANNOTATOR, Accord, Server, local, remote, scene, write_jsonl

from accord.core.agreement import cohen_kappa, krippendorff_alpha
from published_data import KRIPPENDORFF_2011, KRIPPENDORFF_2011_ALPHA, long_form_csv

FILES = Accord(())  # `qa agreement` reads a file; no data dir or server involved

@pytest.fixture
def reliability_csv(tmp_path: Path) -> Path:
    path = tmp_path / "reliability.csv"
    path.write_text(long_form_csv(KRIPPENDORFF_2011))
    return path


@pytest.mark.parametrize(("level", "published"), KRIPPENDORFF_2011_ALPHA.items())
def test_alpha_on_a_long_form_csv_reproduces_the_published_example(reliability_csv, level,
                                                                    published):
    result = json.loads(FILES.ok("qa", "agreement", str(reliability_csv), "--metric",
                                 "krippendorff", "--level", level, "--json"))
    assert result["value"] == pytest.approx(published, abs=5e-4)
    assert result["level"] == level and result["n_units"] == 11 and result["n_annotators"] == 4


def test_without_json_the_coefficient_is_shown_in_a_table(reliability_csv):
    shown = FILES.ok("qa", "agreement", str(reliability_csv))
    assert "krippendorff" in shown and "0.743" in shown
    assert "Per class" in shown and "Annotator pairs" in shown


def test_the_json_carries_the_interval_and_the_breakdowns(reliability_csv):
    result = json.loads(FILES.ok("qa", "agreement", str(reliability_csv), "--json",
                                 "--resamples", "200"))
    interval = result["interval"]
    assert interval["level"] == 0.95 and interval["resamples"] == 200
    assert interval["low"] <= result["value"] <= interval["high"]
    assert [c["category"] for c in result["classes"]] == [1, 2, 3, 4, 5]
    pairs = result["pairs"]
    a, b = (pairs["annotators"].index(name) for name in ("A", "B"))
    assert pairs["values"][a][b] == pytest.approx(krippendorff_alpha(KRIPPENDORFF_2011[:2]).value)
    plain = json.loads(FILES.ok("qa", "agreement", str(reliability_csv), "--json",
                                "--confidence", "0", "--breakdown", "none"))
    assert plain["interval"] is None and plain["classes"] is None and plain["pairs"] is None


@pytest.mark.parametrize(("args", "message"), [
    (("--metric", "cohen"), "cohen_kappa compares exactly two annotators; got 4"),
    (("--metric", "fleiss", "--level", "ordinal"), "--level applies to krippendorff only"),
    (("--metric", "kappa"), "unknown metric 'kappa'"),
    (("--format", "xml"), "unknown format 'xml'"),
])
def test_options_that_do_not_fit_the_data_are_refused(reliability_csv, args, message):
    assert message in FILES.fails("qa", "agreement", str(reliability_csv), *args)


def test_a_missing_file_is_named(tmp_path):
    assert f"no such file: {tmp_path / 'nope.csv'}" in FILES.fails(
        "qa", "agreement", str(tmp_path / "nope.csv"))


def test_cohen_on_an_accord_export_compares_the_two_annotators(tmp_path):
    first, second = ["day", "day", "night", "night", "day"], ["day", "night", "night", "night",
                                                             "day"]
    export = write_jsonl(tmp_path / "export.jsonl", [
        {"id": i, "data": {}, "annotations": [
            {"author": "ann@x", "regions": [scene("s", a)]},
            {"author": "bob@x", "regions": [scene("s", b)]}]}
        for i, (a, b) in enumerate(zip(first, second, strict=True))])
    result = json.loads(FILES.ok("qa", "agreement", str(export), "--metric", "cohen", "--json"))
    assert result["label"] == "scene"
    assert result["value"] == pytest.approx(cohen_kappa([first, second]).value)


# Two annotators label scene on four tasks; they disagree on the last.
SCENE_TASKS = [
    {"data": {"image": f"qa-{i}.png"},
     "annotations": [{"author": ANNOTATOR, "regions": [scene("s", a)]},
                     {"author": ADMIN, "regions": [scene("s", b)]}]}
    for i, (a, b) in enumerate([("day", "day"), ("night", "night"), ("day", "day"),
                                ("night", "day")])]
SCENE_ALPHA = krippendorff_alpha([["day", "night", "day", "night"],
                                  ["day", "night", "day", "day"]]).value


def scene_agreement(report: dict) -> float:
    (section,) = [s for s in report["agreement"] if s["label"] == "scene"]
    return section["agreement"]["value"]


def test_the_report_of_a_local_project_gives_the_agreement_of_its_work(tmp_path, schema_file):
    accord = local(tmp_path / "data")
    accord.ok("user", "add", ADMIN, "--role", "admin")
    accord.ok("user", "add", ANNOTATOR, "--role", "member")
    project = accord.ok("project", "create", "QA", "--schema", str(schema_file)).strip()
    accord.ok("import", project, str(write_jsonl(tmp_path / "tasks.jsonl", SCENE_TASKS)))
    report = json.loads(accord.ok("qa", "report", project, "--json"))
    assert report["counts"]["annotations"] == 8
    assert scene_agreement(report) == pytest.approx(SCENE_ALPHA)
    shown = accord.ok("qa", "report", project)
    assert "scene" in shown and f"{SCENE_ALPHA:.3f}" in shown


def test_the_report_over_the_api_is_the_same(server: Server, schema_file, tmp_path):
    accord = remote(server.url, server.admin_token)
    local(server.data_dir).ok("user", "add", ANNOTATOR, "--role", "member")
    project = accord.ok("project", "create", "QA remote", "--schema", str(schema_file)).strip()
    accord.ok("import", project, str(write_jsonl(tmp_path / "tasks.jsonl", SCENE_TASKS)))
    report = json.loads(accord.ok("qa", "report", project, "--json"))
    assert scene_agreement(report) == pytest.approx(SCENE_ALPHA)


PROBABILITIES = """unit,label,cat,dog
a,cat,0.9,0.1
b,cat,0.8,0.2
c,cat,0.1,0.9
d,dog,0.2,0.8
e,dog,0.1,0.9
f,dog,0.3,0.7
"""


def test_label_errors_ranks_the_unit_the_model_contradicts_confidently(tmp_path):
    path = tmp_path / "predictions.csv"
    path.write_text(PROBABILITIES)
    result = json.loads(FILES.ok("qa", "label-errors", str(path), "--json"))
    assert [(i["unit"], i["given_label"], i["suggested_label"]) for i in result["issues"]] \
        == [("c", "cat", "dog")]
    assert result["confident_joint"] == [[2, 1], [0, 3]]
    assert result["noise_rates"]["cat"] == pytest.approx(1 / 3)
    shown = FILES.ok("qa", "label-errors", str(path))
    assert "1 estimated label errors in 6 units" in shown


@pytest.mark.parametrize(("text", "message"), [
    ("item,label,cat\n", "line 1: expected the header unit,label followed by one column"),
    ("unit,label,cat,dog\na,cat,0.9\n", "line 2: expected 4 columns, got 3"),
    ("unit,label,cat,dog\na,cat,0.9,high\n", "line 2, column 'dog': expected a probability"),
    ("unit,label,cat,dog\na,cat,0.9,0.9\n", "sum"),
    ("unit,label,cat,dog\na,bird,0.9,0.1\n", "bird"),
])
def test_a_bad_probability_file_is_refused_naming_what_and_where(tmp_path, text, message):
    path = tmp_path / "p.csv"
    path.write_text(text)
    assert message in FILES.fails("qa", "label-errors", str(path))


def test_multilabel_answers_in_an_export_get_masi_alpha_and_per_class_values(tmp_path):
    from accord.core.agreement import per_class_agreement, set_alpha

    ann, bob = [["a", "b"], ["a"], ["b"], ["c"]], [["a"], ["a"], ["b"], ["c"]]
    export = write_jsonl(tmp_path / "export.jsonl", [
        {"id": i, "data": {}, "annotations": [
            {"author": who, "regions": [{"id": "t", "label": "topics", "type": "multilabel",
                                         "value": {"classes": sets[i]}}]}
            for who, sets in (("ann@x", ann), ("bob@x", bob))]} for i in range(4)])
    result = json.loads(FILES.ok("qa", "agreement", str(export), "--json"))
    matrix = [[tuple(s) for s in ann], [tuple(s) for s in bob]]
    assert result["multilabel"] and result["value"] == pytest.approx(set_alpha(matrix).value)
    per_class = per_class_agreement(matrix, metric="krippendorff")
    assert [c["value"] for c in result["classes"]] == pytest.approx(
        [s.value for s in per_class.scores])
    percent = json.loads(FILES.ok("qa", "agreement", str(export), "--metric", "percent",
                                  "--json"))
    assert percent["value"] is None and "per class" in percent["undefined_because"]
    assert [c["category"] for c in percent["classes"]] == ["a", "b", "c"]
    assert "Per class" in FILES.ok("qa", "agreement", str(export))
