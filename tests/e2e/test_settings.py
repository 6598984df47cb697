"""A manager's project settings in a real headless Chromium against a real `accord serve`:
the schema editor's live check and preview, publishing schema and guideline versions (and
the next annotation carrying both), the workflow form, and members."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

import xss
from e2e.labeling import PASSWORD, SCHEMA, Stage, log_in, shown_task_id
from e2e.managing import (
    Managing,
    add_manager,
    log_in_as,
    log_out,
    open_settings,
    preview,
    schema_editor,
    wait_until_valid,
)
from e2e.test_accessibility import violations
from xss import PAYLOADS

pytestmark = pytest.mark.e2e

#: Refusals a test provokes on purpose (and the live check it cuts off once); Chromium notes
#: each failed request in the console.
PROVOKED = re.compile(r"/api/(schema/validate|projects/\d+/(schema/versions|workflow|members))$")


def watch_console(page: Page) -> list[str]:
    """Console errors and page errors, except the browser's note of a refusal the test
    provoked ("Failed to load resource: … 422" for a request in PROVOKED)."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if message.text.startswith("Failed to load resource") and PROVOKED.search(url):
            return
        errors.append(f"{message.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


@pytest.fixture
def managing(labeling) -> Managing:
    return add_manager(labeling(name="Managed scenes"))


def with_truck(schema: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(schema)
    changed["labels"][0]["classes"].append({"name": "truck", "hotkey": "4", "color": "#911eb4"})
    return changed


def test_a_manager_edits_the_schema_and_guidelines_and_the_next_annotation_carries_both(
        page: Page, managing: Managing, screenshot):
    project = managing.project
    project.manager.publish_guidelines(managing.id, "# Street scenes\n\nBox every car.\n",
                                       note="first")
    errors = watch_console(page)
    open_settings(page, managing, "schema")
    editor = schema_editor(page)
    expect(editor).to_have_value(re.compile(r'"name": "objects"'))
    wait_until_valid(page)
    cars = preview(page).get_by_role("group", name="objects (bbox)")
    expect(cars.get_by_role("button", name=re.compile(r"^car"))).to_be_visible()
    assert violations(page) == []

    # JSON that does not parse: the line and column, in words
    editor.fill('{\n  "data": []\n  "labels": []\n}')
    expect(page.get_by_text(re.compile(r"Not valid JSON, at line 3, column 3: expected , or \} "
                                       r'after the value of "data"'))).to_be_visible()

    # A schema the server refuses: the problem names the field and its line
    bad = with_truck(SCHEMA)
    bad["labels"][0]["type"] = "box"
    # ... first with the live check cut off, so the server's own refusal (422) is what shows
    page.route("**/api/schema/validate", lambda route: route.abort())
    editor.fill(json.dumps(bad, indent=2))
    expect(page.get_by_text("Could not check the schema")).to_be_visible()
    page.get_by_role("button", name="Publish as version 2").click()
    expect(page.get_by_role("alert").filter(has_text="The server refused the schema")
           ).to_be_visible()
    problems = page.get_by_role("list", name="Problems in the schema")
    expect(problems).to_contain_text("labels[0].type (label 1, type)")
    # ... then with the live check, which refuses before anything is sent
    page.unroute("**/api/schema/validate")
    editor.fill(json.dumps(bad, indent=1))
    page.get_by_role("button", name="Publish as version 2").click()
    expect(page.get_by_role("alert").filter(has_text=re.compile(
        r"The schema has 1 problem; fix it before publishing|The server refused the schema"))
    ).to_be_visible()
    editor.fill(json.dumps(bad, indent=2))
    expect(problems.get_by_role("listitem")).to_have_count(1)
    expect(problems).to_contain_text("labels[0].type (label 1, type): expected one of")
    expect(problems).to_contain_text("got 'box'")
    expect(problems.get_by_role("button", name="Go to line 11")).to_be_visible()
    assert project.manager.get_schema(managing.id)["version"] == 1
    # the preview keeps the last valid schema, which has no truck
    expect(cars.get_by_role("button", name=re.compile(r"^truck"))).to_have_count(0)

    # Fixed: the preview follows, with the new class in its picker
    editor.fill(json.dumps(with_truck(SCHEMA), indent=2))
    wait_until_valid(page)
    truck = cars.get_by_role("button", name=re.compile(r"^truck"))
    expect(truck).to_be_visible()
    # its hotkeys follow the schema too, while focus is in the preview
    cars.get_by_role("button", name=re.compile(r"^car")).click()
    page.keyboard.press("4")
    expect(truck).to_have_attribute("aria-pressed", "true")
    page.get_by_label("Note for this version").fill("Trucks are objects too")
    page.get_by_role("button", name="Publish as version 2").click()
    expect(page.get_by_text("Published schema version 2.")).to_be_visible()
    current = project.manager.get_schema(managing.id)
    assert current["version"] == 2 and current["note"] == "Trucks are objects too"
    assert [c["name"] for c in current["schema"]["labels"][0]["classes"]] == [
        "car", "person", "truck"]
    versions = page.get_by_role("table").filter(has_text="Trucks are objects too")
    expect(versions.get_by_role("row").filter(has_text="v2")).to_contain_text("(current)")
    page.get_by_role("button", name="View v1").click()
    older = page.get_by_label("Schema version 1 as JSON")
    expect(older).to_contain_text('"person"')
    expect(older).not_to_contain_text("truck")
    assert violations(page) == []

    # Guidelines: publish a new version and see its diff against the one before
    page.get_by_role("navigation", name="Settings sections").get_by_role(
        "link", name="Guidelines").click()
    text = page.get_by_label("Guidelines (Markdown)")
    expect(text).to_have_value("# Street scenes\n\nBox every car.\n")
    text.fill("# Street scenes\n\nBox every car and truck.\n\nSkip parked bikes.\n")
    expect(page.get_by_role("region", name="Preview of the guidelines").get_by_text(
        "Skip parked bikes.")).to_be_visible()
    page.get_by_label("Note for this version").fill("Trucks; bikes")
    page.get_by_role("button", name="Publish as version 2").click()
    expect(page.get_by_text("Published guidelines version 2.")).to_be_visible()
    diff = page.get_by_role("table", name=re.compile("Changes from version 1 to version 2"))
    expect(diff).to_contain_text("3 lines added, 1 removed")
    expect(diff.get_by_role("row").filter(has_text="Box every car.").filter(
        has_text="removed")).to_have_count(1)
    expect(diff.get_by_role("row").filter(has_text="Skip parked bikes.").filter(
        has_text="added")).to_have_count(1)
    assert project.manager.get_guidelines(managing.id)["version"] == 2
    assert violations(page) == []

    # The annotator's next annotation is stamped with both new versions
    log_out(page)
    log_in(page, project, f"/projects/{managing.id}/label")
    expect(page.locator("image.stage__image")).to_have_count(1)
    task_id = shown_task_id(page)
    page.get_by_role("button", name=re.compile(r"^truck")).click()
    Stage(page).drag((100, 120), (260, 300))
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("1 submitted this session")).to_be_visible()
    [annotation] = project.annotations(task_id)
    assert (annotation["schema_version"], annotation["guideline_version"]) == (2, 2)
    assert [r["value"]["class"] for r in annotation["regions"] if r["type"] == "bbox"] == [
        "truck"]
    assert errors == []


def test_a_label_studio_config_is_converted_into_the_editor(page: Page, managing: Managing,
                                                             screenshot):
    errors = watch_console(page)
    open_settings(page, managing, "schema")
    wait_until_valid(page)
    page.get_by_text("Import a Label Studio labeling config").click()
    page.get_by_label("Label Studio config (XML)").fill(
        '<View><Image name="img" value="$image"/>'
        '<RectangleLabels name="vehicles" toName="img">'
        '<Label value="bus" background="#ff0000"/></RectangleLabels></View>')
    page.get_by_role("button", name="Convert into the editor").click()
    expect(schema_editor(page)).to_have_value(re.compile(r'"name": "vehicles"'))
    wait_until_valid(page)
    expect(preview(page).get_by_role("button", name=re.compile(r"^bus"))).to_be_visible()
    assert managing.project.manager.get_schema(managing.id)["version"] == 1  # not published

    # An unpublished edit survives leaving the page, until it is discarded
    sections = page.get_by_role("navigation", name="Settings sections")
    sections.get_by_role("link", name="Members").click()
    expect(page.get_by_role("table", name=re.compile("Members"))).to_be_visible()
    sections.get_by_role("link", name="Schema").click()
    expect(schema_editor(page)).to_have_value(re.compile(r'"name": "vehicles"'))
    expect(page.get_by_text("Restored your unpublished edit, started from version 1.")
           ).to_be_visible()
    page.get_by_role("button", name="Discard the edit").click()
    expect(schema_editor(page)).to_have_value(re.compile(r'"name": "objects"'))
    page.reload()
    expect(schema_editor(page)).to_have_value(re.compile(r'"name": "objects"'))
    assert errors == []


def test_the_preview_of_a_schema_without_an_image_is_a_blank_canvas(page: Page,
                                                                     managing: Managing,
                                                                     screenshot):
    errors = watch_console(page)
    log_in_as(page, managing.project.url, managing.manager_email, "/")
    page.get_by_role("navigation", name="Pages of Managed scenes").get_by_role(
        "link", name="Settings").click()
    expect(page).to_have_url(re.compile(rf"/projects/{managing.id}/settings/schema$"))
    wait_until_valid(page)
    schema_editor(page).fill(json.dumps({
        "data": [{"name": "review", "type": "text"}],
        "labels": [{"name": "sentiment", "type": "classification", "source": "review",
                    "classes": [{"name": "positive", "hotkey": "p"},
                                {"name": "negative", "hotkey": "n"}]}]}, indent=2))
    wait_until_valid(page)
    expect(preview(page)).to_contain_text(
        "The schema has no image field, so the preview shows a blank canvas.")
    expect(preview(page).get_by_role("radio", name=re.compile("positive"))).to_be_visible()
    assert violations(page) == []
    assert errors == []


def test_script_in_a_schema_its_problems_notes_and_guidelines_never_runs(
        page: Page, managing: Managing, screenshot):
    errors = watch_console(page)
    open_settings(page, managing, "schema")
    wait_until_valid(page)
    schema = copy.deepcopy(SCHEMA)
    schema["labels"][0]["classes"] += [{"name": f"c{i} {p}"} for i, p in enumerate(PAYLOADS)]
    schema["labels"][0]["description"] = f"Boxes {xss.ALL}"
    bad = copy.deepcopy(schema)
    bad["labels"][1]["type"] = PAYLOADS[1]  # the server's problem echoes it
    schema_editor(page).fill(json.dumps(bad, indent=2))
    expect(page.get_by_role("list", name="Problems in the schema")).to_contain_text(PAYLOADS[1])
    schema_editor(page).fill(json.dumps(schema, indent=2))
    wait_until_valid(page)
    for i, payload in enumerate(PAYLOADS):
        expect(preview(page).get_by_role("button", name=f"c{i} {payload}")).to_be_visible()
    page.get_by_label("Note for this version").fill(f"note {xss.ALL}")
    page.get_by_role("button", name="Publish as version 2").click()
    expect(page.get_by_role("table").filter(has_text="(current)")).to_contain_text(
        f"note {xss.ALL}")

    page.get_by_role("link", name="Guidelines").click()
    text = page.get_by_label("Guidelines (Markdown)")
    for version, body in enumerate([f"# Rules {PAYLOADS[1]}\n", f"# Rules {PAYLOADS[1]}\n\n*Be* {xss.ALL}\n"], 1):
        text.fill(body)
        page.get_by_role("button", name=f"Publish as version {version}").click()
        expect(page.get_by_text(f"Published guidelines version {version}.")).to_be_visible()
    expect(page.get_by_role("region", name="Preview of the guidelines").get_by_role(
        "heading", name=f"Rules {PAYLOADS[1]}")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Changes from version 1 to version 2"))
           ).to_contain_text(xss.ALL)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("main script, main img, main iframe, main a[href^=javascript]").count() == 0
    assert errors == []


def test_the_workflow_form_saves_only_what_changed_and_shows_the_servers_422(
        page: Page, managing: Managing, screenshot):
    errors = watch_console(page)
    open_settings(page, managing, "workflow")
    overlap = page.get_by_label("Overlap", exact=True)
    expect(overlap).to_have_value("1")
    assert violations(page) == []

    overlap.fill("3")
    page.get_by_label("Review sample").fill("0.25")
    expect(page.get_by_text("Unsaved changes: overlap, review_sample.")).to_be_visible()
    sent: list[dict[str, Any]] = []
    page.on("request", lambda r: sent.append(r.post_data_json)
            if r.method == "PATCH" and r.url.endswith("/workflow") else None)
    page.get_by_role("button", name="Save the workflow").click()
    expect(page.get_by_text("Saved: overlap, review_sample.")).to_be_visible()
    assert sent == [{"overlap": 3, "review_sample": 0.25}]
    policy = managing.project.manager.workflow(managing.id)
    assert (policy["overlap"], policy["review_sample"]) == (3, 0.25)

    overlap.fill("0")
    page.get_by_role("button", name="Save the workflow").click()
    expect(page.locator("#wf-overlap-error")).to_have_text(
        "expected an integer from 1 to 50, got 0")
    expect(overlap).to_have_attribute("aria-invalid", "true")
    assert managing.project.manager.workflow(managing.id)["overlap"] == 3
    assert violations(page) == []

    # The pilot batch's report, and approving it
    overlap.fill("3")
    page.get_by_label("Pilot batch").fill("pilot")
    page.get_by_role("button", name="Save the workflow").click()
    expect(page.get_by_text("Saved: pilot_batch.")).to_be_visible()
    pilot = page.get_by_role("region", name="Pilot report")
    expect(pilot).to_contain_text("awaiting approval")
    pilot.get_by_role("button", name="Approve the pilot batch pilot").click()
    expect(pilot).to_contain_text("approved; the rest of the project is open")
    assert managing.project.manager.workflow(managing.id)["pilot_approved"] is True

    # The error taxonomy reviewers tag rejections with
    page.get_by_role("button", name="Add a category").click()
    categories = page.get_by_role("group", name="Error categories")
    count = categories.get_by_role("button", name=re.compile(r"^Remove category")).count()
    page.get_by_label(f"Category {count} name").fill("blurry_image")
    page.get_by_label(f"Category {count} description").fill("The image is too blurry to label")
    page.get_by_role("button", name="Save the workflow").click()
    expect(page.get_by_text("Saved: review_categories.")).to_be_visible()
    assert managing.project.manager.workflow(managing.id)["review_categories"][-1] == {
        "name": "blurry_image", "description": "The image is too blurry to label"}

    # A rule between fields: the server names the field, and the form shows it there
    calibration = page.get_by_label("Calibration batch")
    calibration.fill("pilot")
    page.get_by_role("button", name="Save the workflow").click()
    expect(page.locator("#wf-pilot_batch-error")).to_contain_text(
        "'pilot' is also the calibration batch")
    calibration.fill("calibration")
    page.get_by_role("button", name="Save the workflow").click()
    expect(page.get_by_text("Saved: calibration_batch.")).to_be_visible()
    expect(page.get_by_role("region", name="Calibration report")).to_contain_text(
        "Batch calibration, 0 tasks.")
    assert violations(page) == []
    assert errors == []


def test_members_are_added_changed_and_removed_with_errors_inline(
        page: Page, managing: Managing, screenshot):
    errors = watch_console(page)
    open_settings(page, managing, "members")
    table = page.get_by_role("table", name=re.compile("Members"))
    expect(table.get_by_role("row").filter(has_text=managing.project.annotator)).to_be_visible()
    assert violations(page) == []

    page.get_by_label("Email").fill("nobody-here@example.org")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "no user with email 'nobody-here@example.org'")

    page.get_by_label("Email").fill(managing.project.annotator)
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_role("alert")).to_contain_text("is already a member")

    reviewer = managing.manager_email.replace("lead-", "rev-")
    managing.project.manager.create_user(reviewer, password=PASSWORD)
    page.get_by_label("Email").fill(reviewer)
    page.get_by_label("Role", exact=True).select_option("reviewer")
    page.get_by_role("button", name="Add member").click()
    expect(table.get_by_role("row").filter(has_text=reviewer)).to_be_visible()

    page.get_by_label(f"Tier of {reviewer}").select_option("expert")
    expect(page.get_by_text(f"{reviewer} is now reviewer, expert.")).to_be_visible()
    members = {m["email"]: m for m in managing.project.manager.list_members(managing.id)}
    assert (members[reviewer]["role"], members[reviewer]["tier"]) == ("reviewer", "expert")

    page.get_by_role("button", name=f"Remove {reviewer}").click()
    page.get_by_role("group", name=f"Confirm removing {reviewer}").get_by_role(
        "button", name="Yes, remove").click()
    expect(table.get_by_role("row").filter(has_text=reviewer)).to_have_count(0)
    assert reviewer not in {m["email"] for m in
                            managing.project.manager.list_members(managing.id)}
    assert violations(page) == []
    assert errors == []


def test_members_who_are_not_managers_are_told_so(page: Page, managing: Managing, screenshot):
    errors = watch_console(page)
    log_in(page, managing.project, managing.settings_url("workflow"))
    expect(page.get_by_role("alert")).to_have_text(
        "Only the project's managers can change its settings.")
    expect(page.get_by_role("navigation", name="Settings sections")).to_have_count(0)
    assert errors == []
