"""CVAT XML 1.1, for images and for video (docs/formats/cvat.md).

Readers stream the XML with expat (no DOCTYPE, no entities); `_cvat_read.py` reads images,
`_cvat_video.py` video tracks, `_cvat_write.py` writes images.
"""

from __future__ import annotations

from accord.formats._cvat_read import read_images
from accord.formats._cvat_video import read_video, write_video
from accord.formats._cvat_write import write_images
from accord.formats.base import Format

UNLABELLED = ("import: shapes without a label: error (default) stops the import there, skip "
              "leaves them out")

FORMATS = (
    Format(
        name="cvat_images", title="CVAT for images 1.1",
        description="CVAT's XML for images: boxes (rotated too), polygons, polylines, "
                    "points and skeletons, masks and tags with their attributes; one task "
                    "per image, subsets as batches. Exports the XML, or a zip with images.",
        extension=".xml", media_type="application/xml", zips_media=True, read=read_images,
        write=write_images, layout="file", modality="image",
        carries=("tasks", "annotations", "predictions", "gold"),
        settings={"unlabelled": UNLABELLED}),
    Format(
        name="cvat_video", title="CVAT for video 1.1",
        description="CVAT's XML for video: box tracks become video tracks (keyframes and "
                    "outside frames) and frame tags video segments, one task per XML file. "
                    "Exports a zip of one XML per video with every frame of each track "
                    "written out (and, with segments=tags, a tag on every frame of each "
                    "segment).",
        extension=".zip", media_type="application/zip", read=read_video,
        write=write_video, layout="folder", modality="video",
        carries=("tasks", "annotations", "predictions", "gold"),
        settings={"unlabelled": UNLABELLED,
                  "shape_tracks": "import: tracks of polygons, polylines, points or masks, which "
                                  "Accord's box tracks cannot hold: error (default) or skip",
                  "segments": "export: video segments left out (skip, default: CVAT's own "
                              "importer and Datumaro refuse frame tags in video files) or "
                              "written as frame tags (tags), which Accord reads back exactly"}),
)
