"""`accord workflow` on a data dir and over `--url`: the same policy, errors and pilot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_support import ADMIN, Accord, Server, local, remote, write_jsonl
from typer.main import get_command

from accord.cli.main import cli
from accord.cli.workflow import FLAG_OF
from accord.core.workflow import parse_policy
from builders import SCHEMA

TASKS = [{"data": {"image": "pilot-1.png"}, "batch": "pilot"},
         {"data": {"image": "pilot-2.png"}, "batch": "pilot"},
         {"data": {"image": "later.png"}, "batch": "later"}]


def policy(accord: Accord, project: str) -> dict[str, Any]:
    return json.loads(accord.ok("workflow", "show", project, "--json"))


def a_project(accord: Accord, tmp_path: Path, schema_file: Path) -> str:
    project = accord.ok("project", "create", "Workflow", "--schema", str(schema_file)).strip()
    accord.ok("import", project, str(write_jsonl(tmp_path / "tasks.jsonl", TASKS)))
    return project


def run_the_same_session(accord: Accord, project: str) -> dict[str, Any]:
    """Set, show, refuse a bad value, narrow tiers twice, approve a pilot, calibrate."""
    seen: dict[str, Any] = {"default": policy(accord, project)}
    set_json = accord.ok("workflow", "set", project, "--overlap", "3", "--consensus", "0.8",
                         "--review-sample", "0.1", "--gold-rate", "0.05", "--json")
    seen["set"] = json.loads(set_json)
    seen["then"] = policy(accord, project)
    seen["bad"] = accord.fails("workflow", "set", project, "--overlap", "5",
                               "--gold-rate", "1.5")
    seen["after_bad"] = policy(accord, project)
    accord.ok("workflow", "set", project, "--stage-tiers", "review=senior,expert")
    accord.ok("workflow", "set", project, "--stage-tiers", "adjudicate=expert",
              "--batch-tiers", "later=senior, expert", "--adaptive", "window=30",
              "--ordering", "random", "--batch-order", "later,pilot")
    seen["narrowed"] = policy(accord, project)
    seen["no_pilot_yet"] = accord.fails("workflow", "pilot", project, "--approve")
    accord.ok("workflow", "set", project, "--pilot-batch", "pilot", "--no-adaptive")
    seen["pilot"] = json.loads(accord.ok("workflow", "pilot", project, "--json"))
    seen["shown_pending"] = accord.ok("workflow", "show", project)
    seen["approved"] = json.loads(accord.ok("workflow", "pilot", project, "--approve",
                                            "--json"))
    seen["pilot_approved"] = policy(accord, project)["pilot_approved"]
    seen["again"] = accord.fails("workflow", "pilot", project, "--approve")
    seen["no_calibration"] = accord.fails("workflow", "calibration", project)
    accord.ok("workflow", "set", project, "--calibration-batch", "later")
    seen["calibration"] = json.loads(accord.ok("workflow", "calibration", project, "--json"))
    return seen


def check_session(seen: dict[str, Any]) -> None:
    assert seen["default"] == {**parse_policy({}).to_dict(), "pilot_approved": False}
    changed = {"overlap": 3, "consensus_threshold": 0.8, "review_sample": 0.1,
               "gold_rate": 0.05}
    assert seen["set"] == seen["then"] == {**seen["default"], **changed}
    assert seen["bad"] == ("error: workflow.gold_rate: expected a number at least 0 and below "
                           "1, got 1.5 (--gold-rate)")
    assert seen["after_bad"] == seen["then"]  # not even the valid --overlap 5 was kept
    narrowed = seen["narrowed"]
    assert narrowed["stage_tiers"] == {"label": ["junior", "senior", "expert"],
                                       "review": ["senior", "expert"],
                                       "adjudicate": ["expert"]}
    assert narrowed["batch_tiers"] == {"later": ["senior", "expert"]}
    assert narrowed["adaptive_overlap"] == {"min_overlap": 1, "stable_agreement": 0.85,
                                            "window": 30, "recheck": 0.1}
    assert (narrowed["ordering"], narrowed["batch_order"]) == ("random", ["later", "pilot"])
    assert "no pilot batch to approve" in seen["no_pilot_yet"]
    assert seen["pilot"]["batch"] == "pilot" and seen["pilot"]["approved"] is False
    assert seen["pilot"]["tasks"]["total"] == seen["pilot"]["tasks"]["label"] == 2
    assert "pilot batch 'pilot': awaiting approval" in seen["shown_pending"]
    assert seen["approved"] == {**seen["pilot"], "approved": True}
    assert seen["pilot_approved"] is True
    assert "'pilot' is already approved" in seen["again"]
    assert "no calibration batch" in seen["no_calibration"]
    calibration = seen["calibration"]
    assert (calibration["batch"], calibration["tasks"], calibration["annotators"]) == (
        "later", 1, [])
    assert [label["label"] for label in calibration["labels"]] == ["scene"]


def test_set_show_and_pilot_give_the_same_over_url_as_on_a_data_dir(
        server: Server, tmp_path: Path, schema_file: Path) -> None:
    on_server = remote(server.url, server.admin_token)
    (tmp_path / "remote").mkdir()
    over_url = run_the_same_session(on_server, a_project(on_server, tmp_path / "remote",
                                                         schema_file))
    check_session(over_url)

    on_disk = local(tmp_path / "data")
    on_disk.ok("user", "add", ADMIN, "--role", "admin")
    (tmp_path / "local").mkdir()
    project = a_project(on_disk, tmp_path / "local", schema_file)
    on_data_dir = run_the_same_session(on_disk, project)
    check_session(on_data_dir)
    assert f"accord workflow pilot {project} --approve" in on_data_dir["shown_pending"]
    everything_but_the_table = {k: v for k, v in over_url.items() if k != "shown_pending"}
    assert {k: v for k, v in on_data_dir.items() if k != "shown_pending"} == \
        everything_but_the_table


def test_show_prints_every_field_with_the_flag_that_sets_it(tmp_path: Path,
                                                           schema_file: Path) -> None:
    accord = local(tmp_path / "data")
    accord.ok("user", "add", ADMIN, "--role", "admin")
    project = a_project(accord, tmp_path, schema_file)
    shown = accord.ok("workflow", "show", project)
    assert all(name in shown and flag in shown for name, flag in FLAG_OF.items())
    assert "adaptive_overlap" in shown and "off" in shown


def test_every_policy_field_has_a_flag_of_set() -> None:
    assert set(FLAG_OF) == set(parse_policy({}).to_dict())
    (setter,) = [c for name, c in get_command(cli).commands["workflow"].commands.items()
                 if name == "set"]
    options = {opt for param in setter.params for opt in param.opts}
    assert set(FLAG_OF.values()) <= options


@pytest.fixture(scope="module")
def untouched(tmp_path_factory: pytest.TempPathFactory) -> tuple[Accord, str]:
    """One project on a data dir whose policy the refused commands must leave alone."""
    root = tmp_path_factory.mktemp("untouched")
    accord = local(root / "data")
    accord.ok("user", "add", ADMIN, "--role", "admin")
    schema = root / "schema.json"
    schema.write_text(json.dumps(SCHEMA))
    return accord, accord.ok("project", "create", "P", "--schema", str(schema)).strip()


@pytest.mark.parametrize(("args", "message"), [
    (("--gold-rate", "nan"), "--gold-rate: expected a finite number, got nan"),
    (("--pilot-batch", "a", "--no-pilot"), "--pilot-batch and --no-pilot contradict"),
    (("--adaptive", "window"), "--adaptive takes on, or FIELD=NUMBER"),
    (("--stage-tiers", "senior"), "--stage-tiers takes NAME=TIER,TIER"),
    (("--stage-tiers", "reviews=senior"), "unknown stage 'reviews'; stages are label, review, "
                                          "adjudicate (--stage-tiers)"),
    (("--reject-to", "nobody"), "workflow.reject_to: expected one of author, queue"),
    ((), "nothing to change"),
])
def test_a_flag_that_cannot_be_applied_is_named_and_changes_nothing(
        untouched: tuple[Accord, str], args: tuple[str, ...], message: str) -> None:
    accord, project = untouched
    assert message in accord.fails("workflow", "set", project, *args)
    assert policy(accord, project) == {**parse_policy({}).to_dict(), "pilot_approved": False}
