"""COCO JSON (object detection, segmentation, keypoints, captions): docs/formats/coco.md.

Reading: `_coco_read` (files, images, categories), `_coco_shapes` (an annotation's regions),
`_coco_panoptic` (PNG segments). Writing: `_coco_write` (the instances JSON that
`pycocotools.coco.COCO` loads, or the results list `COCO.loadRes` takes).
"""

from __future__ import annotations

from accord.formats._coco_read import read
from accord.formats._coco_write import write
from accord.formats.base import Format

FORMAT = Format(
    name="coco", title="COCO JSON",
    description="COCO annotation files (instances, keypoints, stuff, panoptic, captions, "
                "labels; a single JSON or a folder or archive of them with images). Exports "
                "the instances JSON pycocotools loads, or a detection results list.",
    extension=".json", media_type="application/json", read=read, write=write,
    layout="file", modality="image", carries=("tasks", "annotations", "predictions", "gold"),
    settings={
        "keypoint_shapes": "import: `drop` (default) reads a keypoint annotation's bbox and "
                           "segmentation as derived from its points; `keep` imports them as "
                           "regions too",
        "layout": "export: `instances` (default), the annotation file; `results`, the "
                  "detection results list [{image_id, category_id, bbox, score}] that "
                  "COCO.loadRes takes",
    })
