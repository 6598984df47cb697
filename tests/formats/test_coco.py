"""COCO: Datumaro's samples import as the files say; exports load in pycocotools, evaluate
to AP 1 against themselves and read back to the same regions; bad files stop the import at
the file and annotation at fault with nothing stored."""

from __future__ import annotations

import copy
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from accord.core.errors import InputError
from accord.core.schema import parse_schema
from accord.formats._coco_read import read
from accord.formats.base import ImportOptions, ReadContext
from accord.formats.binding import Binding
from accord.formats.source import open_source
from tests.formats.support import CONFORMANCE, Project, jsonl, regions_without_ids
from tests.strategies import EXAMPLES

SAMPLES = CONFORMANCE / "coco_dataset"


def _classes(names: str, **extra: Any) -> list[dict[str, Any]]:
    return [{"name": n, **extra} for n in names]


SCHEMA = {"data": [{"name": "image", "type": "image"}], "labels": [
    {"name": "boxes", "type": "bbox", "source": "image",
     "classes": _classes("abc") + [{"name": "label_0"}, {"name": "label_1"}],
     "attributes": [{"name": "occluded", "type": "bool"}]},
    {"name": "outlines", "type": "polygon", "source": "image", "classes": _classes("abc"),
     "attributes": [{"name": "x", "type": "number"}, {"name": "y", "type": "text"}]},
    {"name": "masks", "type": "mask", "source": "image", "classes": _classes("abc"),
     "attributes": [{"name": "iscrowd", "type": "bool"}]},
    {"name": "points", "type": "keypoints", "source": "image", "classes": _classes(
        "ab", keypoints=["p1", "p2", "p3"], skeleton=[["p1", "p2"], ["p2", "p3"]])},
    {"name": "caption", "type": "transcription", "source": "image"},
    {"name": "tags", "type": "multilabel", "source": "image", "classes": _classes("ab")},
]}
PYCOCOTOOLS_NUMPY_WARNING = "ignore:__array__ implementation doesn't accept a copy keyword"


def _regions(project: Project, prefix: str) -> dict[str, list[dict[str, Any]]]:
    """The stored regions per image (prefix taken off), in the order the reader gave them."""
    return {r["data"]["image"][len(prefix):]: [
        reg for a in r.get("annotations", []) for reg in a["regions"]]
        for r in project.records() if r["data"]["image"].startswith(prefix)}


# Each sample is imported once, under its own media prefix (so no task repeats another),
# into one project: a project costs a migration, and the tests only read what was stored.
IMPORTS: dict[str, tuple[Path, dict[str, Any]]] = {
    "instances/": (SAMPLES / "coco_instances/annotations", {}),
    "roboflow/": (SAMPLES / "coco_roboflow", {}),
    "mmdet/": (SAMPLES / "mmdet_coco/annotations", {}),
    "rf/": (CONFORMANCE / "roboflow_dataset/coco", {}),
    "kp/": (SAMPLES / "coco_person_keypoints/annotations", {}),
    "kpkeep/": (SAMPLES / "coco_person_keypoints/annotations",
                {"settings": {"keypoint_shapes": "keep"}}),
    "captions/": (SAMPLES / "coco_captions", {}),
    "labels/": (SAMPLES / "coco_labels", {}),
    "stuff/": (SAMPLES / "coco_stuff", {}),
    "info/": (SAMPLES / "coco_image_info", {}),
    "all/": (SAMPLES / "coco", {}),
}


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    folder = tmp_path_factory.mktemp("samples")
    panoptic = SAMPLES / "coco_panoptic/annotations"
    with zipfile.ZipFile(folder / "panoptic.zip", "w") as archive:  # the val half of it
        for name in ("panoptic_val.json", "panoptic_val/b.png"):
            archive.write(panoptic / name, name)
    imports = {**IMPORTS, "zip/": (folder / "panoptic.zip", {})}
    with Project(folder, SCHEMA) as project:
        project.reports = {prefix: project.import_path(path, "coco", {  # type: ignore[attr-defined]
            **options, "media_prefix": prefix}) for prefix, (path, options) in imports.items()}
        yield project


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """A project every import into fails: it must stay empty."""
    with Project(tmp_path_factory.mktemp("empty"), SCHEMA) as project:
        yield project


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """Tasks with boxes (one rotated), a polygon and keypoints, and equal predictions."""
    with Project(tmp_path_factory.mktemp("made"), SCHEMA) as project:
        project.import_bytes(jsonl(_records()), "tasks.jsonl", "jsonl")
        yield project


@pytest.fixture(scope="module")
def again(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """Where exports are imported back, each under its own media prefix."""
    with Project(tmp_path_factory.mktemp("again"), SCHEMA) as project:
        yield project


@pytest.mark.parametrize("prefix", ["instances/", "roboflow/", "mmdet/"])
def test_instance_samples_import_as_boxes_polygons_and_masks(samples: Project, prefix: str):
    assert samples.reports[prefix]["created"] == 2  # type: ignore[attr-defined]
    records = {r["data"]["image"]: r for r in samples.records()
               if r["data"]["image"].startswith(prefix)}
    assert records[f"{prefix}a.jpg"]["data"] == {"image": f"{prefix}a.jpg", "width": 10,
                                                 "height": 5}
    assert {r["batch"] for r in records.values()} == {"train", "val"}
    regions = _regions(samples, prefix)
    a, b = regions["a.jpg"], regions["b.jpg"]
    assert a == [{"id": "1", "label": "boxes", "type": "bbox", "value": {
        "class": "b", "x": 2.0, "y": 2.0, "width": 3.0, "height": 1.0}}]
    assert b[0]["value"] == {"class": "a", "points": [[0, 0], [1, 0], [1, 2], [0, 2]]}
    assert b[0]["attributes"] == {"x": 1, "y": "hello"}  # defined by the schema: kept
    assert b[1] == {"id": "2", "label": "masks", "type": "mask", "attributes": {
        "iscrowd": True}, "value": {"class": "b", "rle": {"size": [10, 5],
                                                          "counts": [0, 20, 30]}}}


def test_the_roboflow_export_imports_two_batches_of_boxes(samples: Project):
    regions = _regions(samples, "rf/")
    assert sorted(regions) == ["train_001.jpg", "train_002.jpg", "val_001.jpg"]
    assert [r["value"] for r in regions["val_001.jpg"]] == [
        {"class": "label_0", "x": 0, "y": 0, "width": 1, "height": 2},
        {"class": "label_1", "x": 0, "y": 0, "width": 9, "height": 1}]
    assert [r["id"] for r in regions["train_001.jpg"]] == ["0"]
    assert {r["batch"] for r in samples.records() if r["data"]["image"].startswith("rf/")
            } == {"train", "val"}


def test_keypoints_take_the_schema_names_and_shapes_only_when_asked(samples: Project):
    dropped, kept = _regions(samples, "kp/"), _regions(samples, "kpkeep/")
    assert [r["type"] for r in dropped["b.jpg"]] == ["keypoints", "keypoints"]
    assert dropped["b.jpg"][0]["value"] == {"class": "a",
                                            "points": [[1, 2, 2], [3, 4, 2], [2, 3, 2]]}
    assert dropped["a.jpg"][0]["value"]["points"] == [[0, 0, 0], [0, 2, 1], [4, 1, 2]]
    assert [(r["id"], r["type"]) for r in kept["b.jpg"]] == [
        ("1", "keypoints"), ("1.2", "polygon"), ("2", "keypoints"), ("2.2", "mask")]
    assert [(r["id"], r["type"]) for r in kept["a.jpg"]] == [("1", "keypoints"),
                                                             ("1.2", "bbox")]


def test_keypoint_names_that_differ_from_the_schema_are_refused(empty: Project):
    doc = orjson.loads((SAMPLES / "coco_person_keypoints/annotations/"
                        "person_keypoints_val.json").read_bytes())
    doc["categories"][0]["keypoints"] = ["p1", "p3", "p2"]
    with pytest.raises(InputError, match=r"annotation id 1: category 'a' names the "
                                         r"keypoints \['p1', 'p3', 'p2'\]"):
        empty.import_bytes(orjson.dumps(doc), "person_keypoints_val.json", "coco")
    assert empty.task_count() == 0


def test_captions_labels_stuff_and_image_info_import(samples: Project):
    assert [r["value"]["text"] for r in _regions(samples, "captions/")["b.jpg"]] == [
        "world", "text"]
    assert _regions(samples, "labels/")["b.jpg"] == [
        {"id": "1", "label": "tags", "type": "multilabel", "value": {"classes": ["a", "b"]}}]
    assert _regions(samples, "stuff/")["a.jpg"][0]["value"]["rle"] == {
        "size": [5, 10], "counts": [10, 10, 5, 10, 15]}
    assert samples.reports["info/"]["annotations"] == 0  # type: ignore[attr-defined]
    assert [sorted(r) for r in samples.records() if r["data"]["image"].startswith("info/")
            ] == [["batch", "data", "id"]] * 2


@pytest.mark.filterwarnings(PYCOCOTOOLS_NUMPY_WARNING)
def test_panoptic_segments_become_masks_from_the_png(samples: Project, empty: Project,
                                                     tmp_path: Path):
    b = _regions(samples, "all/")["b.jpg"]
    segments = [r for r in b if r["id"] in ("7", "20")]
    assert _regions(samples, "zip/") == {"b.jpg": segments}
    assert [(r["value"]["class"], r["attributes"]) for r in segments] == [
        ("a", {"iscrowd": False}), ("b", {"iscrowd": True})]
    rle = segments[1]["value"]["rle"]
    bitmap = mask_utils.decode(rle | {"counts": rle["counts"].encode()})
    assert bitmap.sum() == 20 and bitmap[:, 2:4].all()  # the PNG's columns 2 and 3
    folder = SAMPLES / "coco_panoptic/annotations"
    with pytest.raises(InputError, match="panoptic PNG panoptic_val/b.png is not in"):
        empty.import_path(folder / "panoptic_val.json", "coco")
    # Datumaro's coco_panoptic sample has a 5 × 5 PNG for its 10 × 5 image
    with pytest.raises(InputError, match=r"panoptic_train\.json, annotation of image id 5: "
                                         r"the panoptic PNG .* is 5 × 5, the image 10 × 5"):
        empty.import_path(folder, "coco")
    assert empty.task_count() == 0


def test_every_kind_in_one_folder_merges_by_image(samples: Project):
    assert samples.reports["all/"]["created"] == 2  # type: ignore[attr-defined]
    b = _regions(samples, "all/")["b.jpg"]
    assert [r["id"] for r in b][:4] == ["1", "2", "instances-1", "instances-2"]
    assert len(b) == 10 and len({r["id"] for r in b}) == 10


def _loaded(project: Project, path: Path, options: dict[str, Any] | None = None) -> COCO:
    return COCO(str(project.export_to(path, "coco", options)))


SHAPES = ("bbox", "polygon", "mask", "keypoints")


def test_export_reads_back_to_the_same_regions(samples: Project, again: Project):
    exported = samples.export_bytes("coco")
    again.import_bytes(exported, "instances_default.json", "coco", {"media_prefix": "rt/"})
    before, after = _regions(samples, ""), _regions(again, "rt/")
    assert sorted(before) == sorted(after)
    for image, regions in before.items():
        assert regions_without_ids(after[image]) == regions_without_ids(
            [r for r in regions if r["type"] in SHAPES])
    assert len(after["kpkeep/b.jpg"]) == 4 and len(after["all/b.jpg"]) == 7  # no captions


BOXES = [{"id": "r1", "label": "boxes", "type": "bbox", "attributes": {"occluded": True},
          "value": {"class": "a", "x": 20.5, "y": 22.0, "width": 30.0, "height": 20.0,
                    "rotation": 30.0}},
         {"id": "r2", "label": "boxes", "type": "bbox",
          "value": {"class": "c", "x": 50.0, "y": 40.0, "width": 10.0, "height": 12.0}},
         {"id": "r3", "label": "outlines", "type": "polygon",
          "value": {"class": "b", "points": [[10, 10], [40, 12], [30, 50]]}},
         {"id": "r4", "label": "points", "type": "keypoints", "value": {
             "class": "a", "points": [[5.0, 6.0, 2], [0.0, 0.0, 0], [9.0, 7.5, 1]]}}]


def _records() -> list[dict[str, Any]]:
    records = []
    for i in range(3):
        regions = copy.deepcopy(BOXES)
        for r in regions:
            if "x" in r["value"]:
                r["value"]["x"] += i  # boxes differ from image to image
        prediction = [r | {"score": 0.5 + 0.1 * n} for n, r in enumerate(regions)]
        records.append({"data": {"image": f"img/{i}.jpg", "width": 100, "height": 80},
                        "annotations": [{"regions": regions}],
                        "predictions": [{"regions": prediction, "model_version": "m1"}]})
    return records


@pytest.mark.filterwarnings(PYCOCOTOOLS_NUMPY_WARNING)
def test_pycocotools_loads_our_export_and_its_boxes_rotation_and_keypoints(
        made: Project, tmp_path: Path):
    coco = _loaded(made, tmp_path / "final.json")
    anns = coco.loadAnns(coco.getAnnIds(imgIds=[sorted(coco.getImgIds())[1]]))
    assert [a["bbox"] for a in anns[:2]] == [[21.5, 22.0, 30.0, 20.0], [51.0, 40.0, 10.0, 12.0]]
    assert anns[0]["attributes"] == {"occluded": True, "rotation": 30.0}
    assert coco.cats[1] == {"id": 1, "name": "a", "supercategory": "boxes",
                            "keypoints": ["p1", "p2", "p3"], "skeleton": [[1, 2], [2, 3]]}
    assert anns[3]["keypoints"] == [5.0, 6.0, 2, 0.0, 0.0, 0, 9.0, 7.5, 1]
    assert anns[3]["num_keypoints"] == 2 and anns[3]["bbox"] == [5.0, 6.0, 4.0, 1.5]
    polygon = coco.annToMask(anns[2])
    assert polygon.shape == (80, 100) and abs(polygon.sum() - anns[2]["area"]) < 40
    predictions = _loaded(made, tmp_path / "predictions.json", {"regions": "predictions"})
    scores = [a["score"] for a in predictions.loadAnns(predictions.getAnnIds())]
    assert scores == pytest.approx([0.5, 0.6, 0.7, 0.8] * 3)


@pytest.mark.filterwarnings(PYCOCOTOOLS_NUMPY_WARNING)
def test_rle_masks_decode_in_pycocotools_to_our_area_and_box(samples: Project, tmp_path: Path):
    coco = _loaded(samples, tmp_path / "samples.json")
    masks = [a for a in coco.loadAnns(coco.getAnnIds()) if isinstance(a["segmentation"], dict)]
    assert len(masks) == 14  # instances ×3, keypoints kept, stuff ×2, all/: 1 + 2 + 3, zip/ 2
    for ann in masks:
        rle = coco.annToRLE(ann)
        assert coco.annToMask(ann).sum() == ann["area"] == mask_utils.area(rle)
        assert ann["bbox"] == mask_utils.toBbox(rle).tolist()


def test_cocoeval_gives_ap_one_when_predictions_equal_the_truth(made: Project, tmp_path: Path):
    truth = _loaded(made, tmp_path / "truth.json")
    results = orjson.loads(made.export_bytes(
        "coco", {"regions": "predictions", "settings": {"layout": "results"}}))
    assert len(results) == 12 and set(results[0]) == {"image_id", "category_id", "bbox",
                                                      "score"}
    evaluation = COCOeval(truth, truth.loadRes(results), "bbox")
    evaluation.evaluate()
    evaluation.accumulate()
    evaluation.summarize()
    assert evaluation.stats[0] == pytest.approx(1.0)
    shifted = [r | {"bbox": [r["bbox"][0] + 0.6 * r["bbox"][2], *r["bbox"][1:]]}
               for r in results]
    evaluation = COCOeval(truth, truth.loadRes(shifted), "bbox")
    evaluation.evaluate()
    evaluation.accumulate()
    evaluation.summarize()
    assert evaluation.stats[0] < 0.5  # the evaluation does look at our boxes


def test_a_predictions_export_reads_back_with_its_scores(made: Project, again: Project):
    exported = made.export_bytes("coco", {"regions": "predictions"})
    assert exported == made.export_bytes("coco", {"regions": "predictions"})
    again.import_bytes(exported, "instances.json", "coco",
                       {"target": "predictions", "model_version": "m1", "media_prefix": "p/"})
    before = {r["data"]["image"]: r["predictions"][0]["regions"] for r in made.records()}
    after = {r["data"]["image"][2:]: r["predictions"][0]["regions"] for r in again.records()
             if r["data"]["image"].startswith("p/")}
    assert {k: regions_without_ids(v) for k, v in after.items()} == {
        k: regions_without_ids(v) for k, v in before.items()}


def _instances() -> dict[str, Any]:
    return {"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 5}],
            "categories": [{"id": 3, "name": "a"}],
            "annotations": [{"id": 17, "image_id": 1, "category_id": 3,
                             "bbox": [1, 1, 2, 2], "segmentation": [], "iscrowd": 0}]}


def _broken(change: str) -> bytes:
    doc = _instances()
    ann = doc["annotations"][0]
    if change == "outside":
        ann["bbox"] = [8, 1, 5, 2]
    elif change == "category":
        ann["category_id"] = 9
    elif change == "two points":
        ann["segmentation"] = [[0, 0, 4, 4]]
    elif change == "odd":
        ann["segmentation"] = [[0, 0, 4, 4, 1]]
    elif change == "image":
        ann["image_id"] = 2
    elif change == "duplicate image":
        doc["images"].append(dict(doc["images"][0]))
    elif change == "no images":
        del doc["images"]
    elif change == "rle size":
        ann["segmentation"] = {"size": [4, 10], "counts": [0, 40]}
    return orjson.dumps(doc)


@pytest.mark.parametrize(("content", "message"), [
    (b'{"images": [}', r"instances\.json: not valid JSON \(.*\) at line 1, column 13"),
    (orjson.dumps(_instances())[:-30], r"instances\.json: not valid JSON"),
    (_broken("outside"), r"annotation id 17: the box \(8, 1, 5 × 2\) reaches outside"),
    (_broken("category"), r"annotation id 17: category_id 9 is not in the file's categories"),
    (_broken("two points"), r"annotation id 17: segmentation polygon 1: 2 points; a polygon"),
    (_broken("odd"), r"annotation id 17: segmentation polygon 1: an odd number"),
    (_broken("image"), r"annotation id 17: image_id 2 is not in the file's images"),
    (_broken("duplicate image"), r"instances\.json, image id 1: the image id is listed twice"),
    (_broken("no images"), r"instances\.json: no `images` list"),
    (_broken("rle size"), r"annotation id 17: segmentation\.size \[4, 10\] differs"),
])
def test_a_malformed_file_stops_the_import_at_its_position(empty: Project, content, message):
    with pytest.raises(InputError, match=message):
        empty.import_bytes(content, "instances.json", "coco")
    assert empty.task_count() == 0


def test_export_names_the_task_whose_polygon_lacks_an_image_size(tmp_path: Path):
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(jsonl([{"data": {"image": "x.jpg"},
                                     "annotations": [{"regions": [BOXES[2]]}]}]),
                             "t.jsonl", "jsonl")
        task_id = project.records()[0]["id"]
        with pytest.raises(InputError, match=f"task {task_id}: the image size is unknown"):
            project.export_bytes("coco")
        exported = orjson.loads(project.export_bytes("coco", {"regions": "gold"}))
        assert exported["images"] == [{"id": task_id, "file_name": "x.jpg"}]


def test_export_refuses_an_unknown_layout(made: Project):
    with pytest.raises(InputError, match="setting layout: expected instances or results"):
        made.export_bytes("coco", {"settings": {"layout": "panoptic"}})


def _mutations() -> st.SearchStrategy[bytes]:
    valid = orjson.loads((SAMPLES / "coco/annotations/person_keypoints_val.json").read_bytes())
    junk = st.one_of(st.none(), st.booleans(), st.integers(-5, 50), st.floats(), st.text(
        max_size=4), st.lists(st.integers(-2, 12), max_size=7), st.dictionaries(
        st.sampled_from(["size", "counts", "id"]), st.integers(0, 9), max_size=2))

    @st.composite
    def mutated(draw: st.DrawFn) -> bytes:
        doc = copy.deepcopy(valid)
        for _ in range(draw(st.integers(1, 3))):
            section = draw(st.sampled_from(["images", "annotations", "categories"]))
            items = doc.get(section)
            if not isinstance(items, list) or not items:
                doc[section] = draw(junk)
                continue
            item = items[draw(st.integers(0, len(items) - 1))]
            if not isinstance(item, dict):
                continue
            key = draw(st.sampled_from(sorted(item)))
            if draw(st.booleans()):
                item[key] = draw(junk)
            else:
                del item[key]
        content = orjson.dumps(doc, option=orjson.OPT_SERIALIZE_NUMPY)
        if draw(st.booleans()):
            content = content[:draw(st.integers(0, len(content)))]
        return content

    return st.one_of(mutated(), st.binary(max_size=64))


FUZZ_CONTEXT = ReadContext(schema=parse_schema(SCHEMA), binding=Binding(parse_schema(SCHEMA)),
                           options=ImportOptions())


@EXAMPLES
@given(_mutations())
def test_the_reader_raises_only_input_errors_on_mutated_files(content: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "person_keypoints_val.json")
        path.write_bytes(content)
        with open_source(path) as source:
            try:
                records = list(read(source, FUZZ_CONTEXT))
            except InputError:
                return
    for where, record in records:
        assert where.startswith("person_keypoints_val.json, image id ")
        assert isinstance(record["data"]["image"], str)
