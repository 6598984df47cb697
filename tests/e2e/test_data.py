"""Import and export in the browser: a manager starts background jobs from the project's
Import & export page, watches them finish, downloads the export and sees what an import did."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Response, expect

from e2e.data_support import add_manager, console_errors, log_in_as, write_jsonl
from e2e.labeling import box_value
from e2e.test_accessibility import violations

pytestmark = pytest.mark.e2e


def open_data_page(page: Page, project: Any) -> None:
    log_in_as(page, project.url, add_manager(project), f"/projects/{project.project_id}/data")
    expect(page.get_by_role("heading", name=re.compile("^Import & export"))).to_be_visible()


def job_polls(page: Page) -> list[dict[str, Any]]:
    """The job states the page read while following a job, in order."""
    seen: list[dict[str, Any]] = []

    def on_response(response: Response) -> None:
        if re.search(r"/api/projects/\d+/jobs/\d+$", response.url) and response.ok:
            seen.append(response.json())

    page.on("response", on_response)
    return seen


def test_an_export_started_in_the_browser_downloads_the_bytes_of_accord_export(
        page: Page, labeling, live_server, tmp_path: Path, screenshot):
    project = labeling(name="Export scenes", tasks=4)
    # some submitted work, so the export holds annotations with their times too
    leased = project.annotator_client.next_task(project.project_id)["task"]
    project.annotator_client.submit_annotation(project.project_id, leased["id"], [
        {"id": "r1", "label": "objects", "type": "bbox",
         "value": {"class": "car", **box_value((10, 20), (110, 90))}}], lead_time_s=3.5)
    errors = console_errors(page)
    open_data_page(page, project)
    polls = job_polls(page)
    exporting = page.get_by_role("region", name="Export the project")
    exporting.get_by_label("Export format").select_option("jsonl")
    exporting.get_by_role("button", name="Start export").click()
    job = exporting.get_by_role("group", name=re.compile(r"^Export job \d+$"))
    expect(job.get_by_role("status")).to_have_text(re.compile(r"^Exported 4 tasks \("),
                                                   timeout=30_000)
    link = job.get_by_role("link", name=f"Download project-{project.project_id}.jsonl")
    with page.expect_download() as download_info:
        link.click()
    downloaded = Path(download_info.value.path()).read_bytes()
    out = tmp_path / "cli.jsonl"
    live_server.accord("export", str(project.project_id), "-o", str(out))
    assert downloaded == out.read_bytes()
    assert len(downloaded.splitlines()) == 4
    assert polls and polls[-1]["state"] == "done"
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(2)  # header + the job
    assert violations(page) == []
    assert errors == []


def test_an_import_from_the_browser_shows_its_progress_and_the_tasks_arrive(
        page: Page, labeling, tmp_path: Path, screenshot):
    project = labeling(name="Import scenes", tasks=1)
    count = 20_000  # enough to outlast the first poll (400 ms) on a fast machine
    upload = write_jsonl(tmp_path / "more-scenes.jsonl", [
        {"data": {"image": f"imported/{i}.png"}, "batch": "imported",
         "predictions": [{"model_version": "m1", "score": 0.5, "regions": [
             {"id": "p1", "label": "objects", "type": "bbox",
              "value": {"class": "person", "x": 5, "y": 5, "width": 40, "height": 30}}]}]}
        for i in range(count)])
    errors = console_errors(page)
    open_data_page(page, project)
    polls = job_polls(page)
    importing = page.get_by_role("region", name="Import tasks")
    importing.get_by_label("Import format").select_option("jsonl")
    importing.get_by_label("File to import").set_input_files(upload)
    importing.get_by_role("button", name="Start import").click()
    expect(importing.get_by_role("progressbar", name=re.compile(r"^Progress of import job \d+$"))
           ).to_be_visible()
    result = importing.get_by_role("group", name=re.compile(r"^Import job \d+$"))
    expect(result.get_by_role("status")).to_have_text(
        f"Imported {count:,} tasks ({count:,} predictions).", timeout=60_000)
    assert violations(page) == []
    states = [p["state"] for p in polls]
    assert states[-1] == "done" and len(states) >= 2, states  # followed, not just read once
    assert any(p["state"] in ("queued", "running") for p in polls), states
    tasks = list(project.manager.list_tasks(project.project_id, batch="imported"))
    assert len(tasks) == count
    assert errors == []


def test_a_malformed_file_shows_the_line_at_fault_and_imports_nothing(
        page: Page, labeling, tmp_path: Path, screenshot):
    project = labeling(name="Malformed scenes", tasks=2)
    upload = tmp_path / "broken.jsonl"
    upload.write_bytes(b'{"data": {"image": "fine-1.png"}}\n{"data": {"image": "fine-2.png"}}\n'
                       b'{"data": {"image": "broken.png"}\n{"data": {"image": "fine-3.png"}}\n')
    errors = console_errors(page)
    open_data_page(page, project)
    importing = page.get_by_role("region", name="Import tasks")
    importing.get_by_label("File to import").set_input_files(upload)
    importing.get_by_role("button", name="Start import").click()
    alert = importing.get_by_role("alert")
    expect(alert).to_contain_text("Import failed: broken.jsonl, line 3", timeout=30_000)
    expect(alert).to_contain_text("Line 3, column")
    expect(alert).to_contain_text("Nothing was imported")
    assert len(list(project.manager.list_tasks(project.project_id))) == 2
    recent = page.get_by_role("table").get_by_role("row").nth(1)
    expect(recent).to_contain_text("failed")
    assert violations(page) == []
    assert errors == []


def test_a_reviewer_may_export_but_not_import(page: Page, labeling, screenshot):
    from e2e.labeling import PASSWORD

    project = labeling(name="Reviewed scenes", tasks=2)
    reviewer = f"rev-{project.project_id}@example.org"
    project.manager.create_user(reviewer, password=PASSWORD)
    project.manager.add_member(project.project_id, reviewer, "reviewer")
    errors = console_errors(page)
    log_in_as(page, project.url, reviewer, f"/projects/{project.project_id}/data")
    exporting = page.get_by_role("region", name="Export the project")
    expect(exporting.get_by_role("button", name="Start export")).to_be_visible()
    expect(page.get_by_role("region", name="Import tasks")).to_have_count(0)
    exporting.get_by_role("button", name="Start export").click()
    expect(exporting.get_by_role("link", name=re.compile(r"^Download project-\d+\.jsonl$"))
           ).to_be_visible(timeout=30_000)
    assert errors == []


def _coco_upload(path: Path) -> Path:
    """A COCO detection set with its two images, as a zip: what a team brings from elsewhere."""
    import io
    import json
    import zipfile

    from PIL import Image

    coco = {"images": [{"id": 1, "file_name": "street/a.png", "width": 64, "height": 48},
                       {"id": 2, "file_name": "street/b.png", "width": 64, "height": 48}],
            "categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "person"}],
            "annotations": [
                {"id": 1, "image_id": 1, "category_id": 2, "bbox": [4, 5, 20, 30], "area": 600,
                 "iscrowd": 0, "score": 0.9},
                {"id": 2, "image_id": 2, "category_id": 1, "bbox": [10, 8, 40, 20],
                 "area": 800, "iscrowd": 0, "score": 0.7}]}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("annotations/instances_default.json", json.dumps(coco))
        for name, colour in (("a", "red"), ("b", "blue")):
            image = io.BytesIO()
            Image.new("RGB", (64, 48), colour).save(image, "PNG")
            archive.writestr(f"images/street/{name}.png", image.getvalue())
    return path


def test_a_coco_set_with_its_images_becomes_predictions_and_exports_back_as_coco(
        page: Page, labeling, live_server, tmp_path: Path, screenshot):
    project = labeling(name="COCO scenes", tasks=1)
    errors = console_errors(page)
    open_data_page(page, project)
    importing = page.get_by_role("region", name="Import tasks")
    importing.get_by_label("Import format").select_option("coco")
    expect(importing.get_by_text(re.compile("^A .json file"))).to_be_visible()
    importing.get_by_label("File to import").set_input_files(_coco_upload(tmp_path / "set.zip"))
    importing.get_by_label("Labels become").select_option("predictions")
    importing.get_by_label("Model version").fill("detector-2")
    importing.get_by_label("Media prefix").fill("coco-set/")
    importing.get_by_label(re.compile("^Copy the upload's media files")).check()
    importing.get_by_role("button", name="Start import").click()
    result = importing.get_by_role("group", name=re.compile(r"^Import job \d+$"))
    expect(result.get_by_role("status")).to_have_text("Imported 2 tasks (2 predictions).",
                                                      timeout=30_000)
    imported = [t for t in project.manager.list_tasks(project.project_id)
                if t["data"]["image"].startswith("coco-set/")]
    assert [t["data"] for t in imported] == [
        {"image": "coco-set/street/a.png", "width": 64, "height": 48},
        {"image": "coco-set/street/b.png", "width": 64, "height": 48}]
    first = project.manager.list_predictions(project.project_id, imported[0]["id"])
    assert [(p["model_version"], [r["value"] for r in p["regions"]]) for p in first] == [
        ("detector-2", [{"class": "person", "x": 4.0, "y": 5.0, "width": 20.0,
                         "height": 30.0}])]
    assert (live_server.data_dir / "media" / "coco-set" / "street" / "b.png").is_file()

    exporting = page.get_by_role("region", name="Export the project")
    exporting.get_by_label("Export format").select_option("coco")
    exporting.get_by_label("Regions per task").select_option("predictions")
    exporting.get_by_role("button", name="Start export").click()
    link = exporting.get_by_role("link", name=f"Download project-{project.project_id}.json")
    expect(link).to_be_visible(timeout=30_000)
    with page.expect_download() as download_info:
        link.click()
    downloaded = Path(download_info.value.path()).read_bytes()
    out = tmp_path / "cli.json"
    live_server.accord("export", str(project.project_id), "-o", str(out), "--format", "coco",
                       "--regions", "predictions")
    assert downloaded == out.read_bytes()
    assert violations(page) == []
    assert errors == []
