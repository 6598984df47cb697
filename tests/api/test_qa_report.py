"""The QA report over the API: the figures are the engine's on the project's answers."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from accord.core.agreement import fleiss_kappa, krippendorff_alpha
from accord.core.records import Role, Verdict
from accord.services import annotations, projects, reviews, tasks
from builders import World, allow_overlap, box, caller_of, make_user

# scene labels of three annotators on six tasks; ann labels task 5 twice (the last counts);
# cy's answer on task 0, added below, is rejected by a reviewer and still counts: it is what
# cy did.
SCENES = {
    "ann": ["day", "day", "night", "night", "day", "night"],
    "bob": ["day", "night", "night", "night", "day", "day"],
    "cy": [None, "day", "night", "day", "day", None],
}


def scene(cls: str) -> dict:
    return {"id": "s", "label": "scene", "type": "classification", "value": {"class": cls}}


@pytest.fixture
def labelled(session: Session, world: World) -> dict:
    manager = caller_of(world.users["manager"]).in_project(Role.MANAGER)
    tasks.import_records(session, manager, world.project_id,
                         [(f"t{i}", {"data": {"image": f"qa{i}.png"}}) for i in range(6)])
    items, _ = tasks.list_tasks(session, manager, world.project_id, {}, None, 100)
    ids = [t["id"] for t in items if t["data"]["image"].startswith("qa")]
    for name, labels in SCENES.items():
        user = make_user(session, f"{name}@example.org")
        projects.add_member(session, manager, world.project_id, user["email"], Role.ANNOTATOR)
        caller = caller_of(user).in_project(Role.ANNOTATOR)
        for task_id, label in zip(ids, labels, strict=True):
            if label is not None:
                annotations.submit(session, caller, world.project_id, task_id, [scene(label)])
        if name == "ann":
            annotations.submit(session, caller, world.project_id, ids[5], [scene("day")])
        if name == "cy":
            view, _ = annotations.submit(session, caller, world.project_id, ids[0],
                                         [scene("night")])
            reviewer = caller_of(world.users["reviewer"]).in_project(Role.REVIEWER)
            reviews.submit_review(session, reviewer, world.project_id, view["id"], Verdict.REJECT,
                                  ["wrong_label"], "it is day", None, view["version"])
    expected = {name: list(labels) for name, labels in SCENES.items()}
    expected["ann"][5] = "day"
    expected["cy"][0] = "night"
    return {"ids": ids, "expected": expected}


def matrix(expected: dict) -> list[list]:
    # the world's first task carries the world annotator's box only: no scene, so missing
    return [labels for labels in expected.values()]


def test_the_report_gives_krippendorffs_alpha_of_the_latest_scene_answers(as_, world,
                                                                           labelled):
    response = as_("reviewer").get(f"/api/projects/{world.project_id}/qa/report")
    assert response.status_code == 200, response.text
    report = response.json()
    (section,) = [s for s in report["agreement"] if s["label"] == "scene"]
    assert section["primary"] == "krippendorff_nominal"
    assert section["agreement"]["value"] == pytest.approx(
        krippendorff_alpha(matrix(labelled["expected"])).value)
    assert report["counts"]["annotators"] == 4  # the world's annotator drew a box


def test_fleiss_is_undefined_with_the_reason_when_the_number_of_labels_varies(
        as_, world, labelled):
    report = as_("manager").get(f"/api/projects/{world.project_id}/qa/agreement").json()
    (section,) = [s for s in report["agreement"] if s["label"] == "scene"]
    fleiss = section["coefficients"]["fleiss"]
    assert fleiss["value"] is None and "same number of labels" in fleiss["undefined_because"]
    with pytest.raises(Exception, match="same number of labels"):
        fleiss_kappa(matrix(labelled["expected"]))


def test_annotators_cannot_read_the_report(as_, world, labelled):
    assert as_("annotator").get(f"/api/projects/{world.project_id}/qa/report").status_code == 403
    assert as_("outsider").get(f"/api/projects/{world.project_id}/qa/report").status_code == 404


def test_a_tasks_consensus_is_the_majority_label_with_its_support(as_, world, labelled):
    ids = labelled["ids"]
    body = as_("reviewer").get(f"/api/projects/{world.project_id}/qa/consensus/{ids[3]}").json()
    (section,) = [s for s in body["labels"] if s["label"] == "scene"]
    # ann night, bob night, cy day
    assert section["consensus"]["label"] == "night"
    assert section["consensus"]["support"] == pytest.approx(2 / 3)
    assert section["consensus"]["n_votes"] == 3
    # each answer's score against the consensus: the dissenter's is lower
    scores = {s["annotator"]: s["score"] for s in body["scores"]}
    assert set(scores) == set(body["annotators"]) and len(body["scores"]) == 3
    assert scores["cy@example.org"] < scores["ann@example.org"] == scores["bob@example.org"]
    first = as_("reviewer").get(f"/api/projects/{world.project_id}/qa/consensus/{ids[0]}").json()
    (section,) = [s for s in first["labels"] if s["label"] == "scene"]
    assert section["consensus"]["label"] == "day" and section["consensus"]["n_votes"] == 3


TEXT_SCHEMA = {"data": [{"name": "text", "type": "text"}],
               "labels": [{"name": "entities", "type": "span", "source": "text",
                           "classes": [{"name": "PER"}, {"name": "ORG"}]}]}


def test_span_consensus_votes_per_token(session, as_, world):
    manager = caller_of(world.users["manager"])
    project = projects.create_project(session, manager, "NER", schema=TEXT_SCHEMA)["id"]
    allow_overlap(session, project)
    text = "Ada Lovelace met Charles Babbage"
    tasks.import_records(session, manager.in_project(Role.MANAGER), project, [
        ("t", {"data": {"text": text}})])
    (task,), _ = tasks.list_tasks(session, manager.in_project(Role.MANAGER), project, {}, None, 5)

    def span(start, end, cls="PER"):
        return {"id": f"s{start}", "label": "entities", "type": "span",
                "value": {"class": cls, "start": start, "end": end}}

    marks = {"ann": [span(0, 12), span(17, 32)], "bob": [span(0, 3), span(17, 32)],
             "cy": [span(0, 12)]}
    for name, regions in marks.items():
        user = make_user(session, f"{name}@example.org")
        projects.add_member(session, manager, project, user["email"], Role.ANNOTATOR)
        annotations.submit(session, caller_of(user).in_project(Role.ANNOTATOR), project,
                           task["id"], regions)
    body = as_("manager").get(f"/api/projects/{project}/qa/consensus/{task['id']}").json()
    (section,) = body["labels"]
    spans = [(s["class_name"], s["start"], s["end"]) for s in section["consensus"]["spans"]]
    assert spans == [("PER", 0, 12), ("PER", 17, 32)]
    report = as_("manager").get(f"/api/projects/{project}/qa/agreement").json()
    (section,) = report["agreement"]
    # exact: ann–bob 1 of 2 + 2, ann–cy 1 of 2 + 1, bob–cy 0 of 2 + 1: F1 = 2 · 2 / 10
    assert section["primary"] == "exact_f1"
    assert section["agreement"]["value"] == pytest.approx(0.4)
    assert section["overlap"]["agreement"]["value"] == pytest.approx(0.8)
    assert as_("annotator").get(
        f"/api/projects/{world.project_id}/qa/consensus/{world.task_ids[0]}").status_code == 403


def test_box_agreement_matches_regions_one_to_one_by_class(session, as_, world):
    manager = caller_of(world.users["manager"]).in_project(Role.MANAGER)
    tasks.import_records(session, manager, world.project_id, [
        ("b", {"data": {"image": "boxes.png"}})])
    items, _ = tasks.list_tasks(session, manager, world.project_id, {}, None, 100)
    (task_id,) = [t["id"] for t in items if t["data"]["image"] == "boxes.png"]
    marks = {"ann": [box("a", "car", 10, 10, 20, 20)],
             "bob": [box("a", "car", 12, 10, 20, 20), box("b", "person", 60, 60, 10, 10)]}
    for name, regions in marks.items():
        user = make_user(session, f"{name}@example.org")
        projects.add_member(session, manager, world.project_id, user["email"], Role.ANNOTATOR)
        annotations.submit(session, caller_of(user).in_project(Role.ANNOTATOR),
                           world.project_id, task_id, regions)
    report = as_("reviewer").get(f"/api/projects/{world.project_id}/qa/agreement").json()
    (section,) = [s for s in report["agreement"] if s["label"] == "objects"]
    agreement = section["agreement"]
    assert agreement["n_matched"] == 1 and agreement["value"] == pytest.approx(2 / 3)
    assert agreement["mean_iou"] == pytest.approx(360 / 440)  # 18 × 20 over 22 × 20
    assert section["classes"]["person"]["f1"] == 0.0
    names = section["pairs"]["annotators"]
    ann, bob = names.index("ann@example.org"), names.index("bob@example.org")
    assert section["pairs"]["values"][ann][bob] == pytest.approx(2 / 3)
    consensus = as_("reviewer").get(
        f"/api/projects/{world.project_id}/qa/consensus/{task_id}").json()
    (objects,) = [s for s in consensus["labels"] if s["label"] == "objects"]
    assert objects["method"] == "fused_clusters"
    car, person = objects["regions"]
    assert car["value"] == {"class": "car", "x": 11.0, "y": 10.0, "width": 20.0,
                            "height": 20.0, "rotation": 0.0}
    assert person["value"]["class"] == "person"
    assert [r["support"] for r in objects["consensus"]["regions"]] == [1.0, 0.5]


def test_transcriptions_agree_by_word_and_character_error_rate(session, as_, world):
    manager = caller_of(world.users["manager"])
    schema = {"data": [{"name": "audio", "type": "audio"}],
              "labels": [{"name": "words", "type": "transcription", "source": "audio"}]}
    project = projects.create_project(session, manager, "Speech", schema=schema)["id"]
    tasks.import_records(session, manager.in_project(Role.MANAGER), project, [
        ("t", {"data": {"audio": "a.wav"}, "annotations": [
            {"author": "reviewer@example.org", "regions": [
                {"id": "w", "label": "words", "type": "transcription",
                 "value": {"text": "the cat sat"}}]},
            {"author": "annotator@example.org", "regions": [
                {"id": "w", "label": "words", "type": "transcription",
                 "value": {"text": "the cat sit"}}]}]})])
    report = as_("manager").get(f"/api/projects/{project}/qa/agreement").json()
    (section,) = report["agreement"]
    assert section["primary"] == "wer" and section["agreement"]["value"] == pytest.approx(1 / 3)
    assert section["agreement"]["cer"] == pytest.approx(1 / 11)


def test_multilabel_answers_agree_by_masi_alpha_and_per_class(session, as_, world):
    from accord.core.agreement import set_alpha

    manager = caller_of(world.users["manager"])
    schema = {"data": [{"name": "text", "type": "text"}],
              "labels": [{"name": "topics", "type": "multilabel", "source": "text",
                          "classes": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}]}
    project = projects.create_project(session, manager, "Topics", schema=schema)["id"]
    answers = {"reviewer@example.org": [["a", "b"], ["a"], ["b"], ["c"]],
               "annotator@example.org": [["a"], ["a"], ["b"], ["c"]]}

    def topics(classes):
        return [{"id": "t", "label": "topics", "type": "multilabel",
                 "value": {"classes": classes}}]

    tasks.import_records(session, manager.in_project(Role.MANAGER), project, [
        (f"t{i}", {"data": {"text": f"text {i}"}, "annotations": [
            {"author": who, "regions": topics(sets[i])} for who, sets in answers.items()]})
        for i in range(4)])
    (section,) = as_("manager").get(f"/api/projects/{project}/qa/agreement").json()["agreement"]
    assert section["primary"] == "set_alpha_masi"
    expected = set_alpha([[tuple(s) for s in sets] for sets in answers.values()]).value
    assert section["agreement"]["value"] == pytest.approx(expected)
    assert section["agreement"]["interval"]["level"] == 0.95
    assert section["classes"]["c"]["value"] == 1.0
    assert section["classes"]["b"]["value"] < 1.0


def _two_answers(session, world, name, schema, data, answers):
    """A project of one task answered by the reviewer and the annotator of the world."""
    manager = caller_of(world.users["manager"])
    project = projects.create_project(session, manager, name, schema=schema)["id"]
    tasks.import_records(session, manager.in_project(Role.MANAGER), project, [
        ("t", {"data": data, "annotations": [
            {"author": f"{who}@example.org", "regions": regions}
            for who, regions in answers.items()]})])
    return project


def _section(as_, project, label):
    report = as_("manager").get(f"/api/projects/{project}/qa/report").json()
    (section,) = [s for s in report["agreement"] if s["label"] == label]
    return section


def test_spans_agree_by_krippendorffs_unitizing_alpha_over_the_text(session, as_, world):
    from accord.core.agreement import span_alpha

    text = "Ada Lovelace met Charles Babbage in London"

    def span(start, end, cls="PER"):
        return {"id": f"s{start}", "label": "entities", "type": "span",
                "value": {"class": cls, "start": start, "end": end}}

    answers = {"reviewer": [span(0, 12), span(17, 32), span(36, 42, "ORG")],
               "annotator": [span(0, 3), span(17, 32)]}
    project = _two_answers(session, world, "NER", TEXT_SCHEMA, {"text": text}, answers)
    section = _section(as_, project, "entities")
    plain = {"t": {who: [r["value"] for r in regions] for who, regions in answers.items()}}
    expected = span_alpha(plain, lengths={"t": len(text)})
    alpha = {m["name"]: m for m in section["measures"]}["span_alpha"]
    assert alpha["value"] == pytest.approx(expected.overall.value)
    assert section["alpha"]["classes"]["PER"]["value"] == pytest.approx(
        expected.per_class["PER"].value)
    assert section["alpha"]["classes"]["ORG"]["value"] < 0  # one annotator only
    names = alpha["pairs"]["annotators"]
    first, second = names.index("annotator@example.org"), names.index("reviewer@example.org")
    assert alpha["pairs"]["values"][first][second] == pytest.approx(expected.overall.value)
    # exact: 1 of 3 + 2 spans; the headline stays F1 by exact boundaries
    assert section["primary"] == "exact_f1" and section["agreement"]["value"] == pytest.approx(
        2 / 5)


AUDIO_SCHEMA = {"data": [{"name": "audio", "type": "audio"}],
                "labels": [{"name": "turns", "type": "audio_segment", "source": "audio",
                            "classes": [{"name": "speech"}, {"name": "music"}]},
                           {"name": "words", "type": "transcription", "source": "audio"}]}


def test_audio_segments_agree_by_temporal_iou_and_their_transcripts_by_wer(session, as_,
                                                                           world):
    def turn(region_id, start, end, cls="speech"):
        return {"id": region_id, "label": "turns", "type": "audio_segment",
                "value": {"class": cls, "start": start, "end": end}}

    def said(region_id, text):
        return {"id": f"w-{region_id}", "label": "words", "type": "transcription",
                "value": {"text": text, "region": region_id}}

    answers = {
        "reviewer": [turn("a", 0.0, 2.0), said("a", "good morning everyone"),
                     turn("b", 3.0, 4.0), said("b", "thank you"), turn("m", 5.0, 8.0, "music")],
        "annotator": [turn("x", 0.5, 2.0), said("x", "good morning"),
                      turn("y", 3.0, 4.2), said("y", "thank you"), turn("z", 5.0, 6.0, "music")]}
    project = _two_answers(session, world, "Speech", AUDIO_SCHEMA, {"audio": "a.wav"}, answers)
    turns = _section(as_, project, "turns")
    # speech: IoU 0.75 and 1/1.2, matched; music: IoU 1/3, not matched
    assert turns["agreement"]["n_matched"] == 2 and turns["agreement"]["value"] == pytest.approx(
        4 / 6)
    assert turns["agreement"]["mean_iou"] == pytest.approx((0.75 + 1 / 1.2) / 2)
    assert turns["classes"]["music"]["f1"] == 0.0
    words = _section(as_, project, "words")
    # no whole-recording transcription: the headline is the WER of the matched turns,
    # annotator (first by email) as the reference: 1 insertion over 4 words, and back
    assert words["primary"] == "wer" and words["regions"]["turns"]["matched"] == 2
    assert words["agreement"]["n_units"] == 2
    assert words["agreement"]["value"] == pytest.approx((1 + 1) / (4 + 5))
    # " everyone": 9 characters inserted over 12 + 9, deleted over 21 + 9
    assert words["agreement"]["cer"] == pytest.approx(18 / 51)
    names = words["pairs"]["annotators"]
    first, second = names.index("annotator@example.org"), names.index("reviewer@example.org")
    assert words["pairs"]["values"][first][second] == pytest.approx(1 / 4)
    assert words["pairs"]["values"][second][first] == pytest.approx(1 / 5)


def _noted(data_type: str, label: dict) -> dict:
    """A schema of one data field, a region label on it and a transcription per region."""
    return {"data": [{"name": "item", "type": data_type}],
            "labels": [{**label, "source": "item"},
                       {"name": "notes", "type": "transcription", "source": "item"}]}


NOTED = {  # per region type: its schema, the item, and a region at an offset
    "polyline": (_noted("image", {"name": "lanes", "type": "polyline",
                                  "classes": [{"name": "lane"}]}), {"item": "road.png"},
                 lambda at: {"class": "lane", "points": [[0, at], [100, at]]}),
    "span": (_noted("text", {"name": "ner", "type": "span", "classes": [{"name": "PER"}]}),
             {"item": "x" * 220}, lambda at: {"class": "PER", "start": at, "end": at + 12}),
    "video_track": (_noted("video", {"name": "cars", "type": "video_track",
                                     "classes": [{"name": "car"}]}),
                    {"item": "v.mp4", "frame_count": 10},
                    lambda at: {"class": "car", "track_id": 1, "keyframes": [
                        {"frame": 0, "x": at, "y": 0, "width": 40, "height": 40}]}),
}


@pytest.mark.parametrize("kind", sorted(NOTED))
def test_transcriptions_of_polylines_spans_and_tracks_agree_by_wer_of_matched_regions(
        session, as_, world, kind):
    """Issue 8: a transcription per region has the same agreement whatever the region:
    the regions matched as for their own agreement (a track by its IDF1), then WER/CER."""
    schema, data, value = NOTED[kind]
    target = schema["labels"][0]["name"]

    def region(region_id, at):
        return {"id": region_id, "label": target, "type": kind, "value": value(at)}

    def said(region_id, text):
        return {"id": f"w-{region_id}", "label": "notes", "type": "transcription",
                "value": {"text": text, "region": region_id}}

    answers = {"reviewer": [region("a", 0), said("a", "bus lane only"),
                            region("b", 200), said("b", "stop")],
               "annotator": [region("x", 0 if kind == "span" else 2), said("x", "bus lane")]}
    project = _two_answers(session, world, f"Notes {kind}", schema, data, answers)
    words = _section(as_, project, "notes")
    assert words["regions"][target]["matched"] == 1
    # one matched pair both transcribed: "bus lane" against "bus lane only" and back
    assert words["agreement"]["value"] == pytest.approx((1 + 1) / (2 + 3))
    assert words["agreement"]["cer"] == pytest.approx((5 + 5) / (8 + 13))


VIDEO_SCHEMA = {"data": [{"name": "video", "type": "video"}],
                "labels": [{"name": "objects", "type": "video_track", "source": "video",
                            "classes": [{"name": "car"}]}]}


def test_video_tracks_agree_per_frame_and_per_track(session, as_, world):
    def track(region_id, track_id, *keys):
        return {"id": region_id, "label": "objects", "type": "video_track", "value": {
            "class": "car", "track_id": track_id, "keyframes": [
                {"frame": f, "x": x, "y": 0, "width": 10, "height": 10} for f, x in keys]}}

    # two cars 100 px apart; the annotator swaps their identities at frame 5
    answers = {"reviewer": [track("r1", 1, (0, 0)), track("r2", 2, (0, 100))],
               "annotator": [track("a1", 1, (0, 0), (4, 0), (5, 100)),
                             track("a2", 2, (0, 100), (4, 100), (5, 0))]}
    project = _two_answers(session, world, "Traffic", VIDEO_SCHEMA,
                           {"video": "v.mp4", "frame_count": 10}, answers)
    section = _section(as_, project, "objects")
    agreement = section["agreement"]
    # 20 boxes each, all matched frame by frame; 2 identity switches either way
    assert section["primary"] == "mota" and agreement["value"] == pytest.approx(1 - 4 / 40)
    assert agreement["frame_f1"] == 1.0 and agreement["idf1"] == pytest.approx(0.5)
    assert agreement["first_reference"]["id_switches"] == 2
    assert agreement["n_units"] == 1 and agreement["n_frames"] == 10
    names = section["pairs"]["annotators"]
    first, second = names.index("annotator@example.org"), names.index("reviewer@example.org")
    assert section["pairs"]["values"][first][second] == pytest.approx(0.9)
    measures = {m["name"]: m for m in section["measures"]}
    assert measures["idf1"]["pairs"]["values"][first][second] == pytest.approx(0.5)
    assert section["classes"]["car"]["value"] == pytest.approx(0.9)


def test_the_command_line_report_lists_each_labels_further_measures(session, as_, world):
    from accord.cli.output import out
    from accord.cli.qa import show_report

    def track(region_id, x):
        return {"id": region_id, "label": "objects", "type": "video_track", "value": {
            "class": "car", "track_id": 1,
            "keyframes": [{"frame": 0, "x": x, "y": 0, "width": 10, "height": 10}]}}

    project = _two_answers(session, world, "Cars", VIDEO_SCHEMA, {"video": "v.mp4",
                           "frame_count": 4}, {"reviewer": [track("r", 0)],
                                               "annotator": [track("a", 1)]})
    report = as_("manager").get(f"/api/projects/{project}/qa/report").json()
    with out.capture() as captured:
        show_report(report)
    text = captured.get()
    assert "More agreement measures" in text
    rows = {line.split("│")[2].strip(): line for line in text.splitlines()
            if line.count("│") >= 5 and "objects" in line}
    assert set(rows) == {"video_track", "idf1", "frame_f1", "mean_iou"}
    assert "mota" in rows["video_track"]  # the headline, in the agreement table
    assert "1.000" in rows["idf1"] and "0.818" in rows["mean_iou"]  # 9 × 10 over 11 × 10


def test_video_segments_agree_by_temporal_iou_and_unitizing_alpha_over_frames(session, as_,
                                                                              world):
    from accord.core.agreement import span_alpha

    schema = {"data": [{"name": "video", "type": "video"}],
              "labels": [{"name": "scenes", "type": "video_segment", "source": "video",
                          "classes": [{"name": "day"}, {"name": "night"}]}]}

    def scene(region_id, cls, start, end):
        return {"id": region_id, "label": "scenes", "type": "video_segment",
                "value": {"class": cls, "start": start, "end": end}}

    answers = {"reviewer": [scene("a", "day", 0, 40), scene("b", "night", 40, 100)],
               "annotator": [scene("x", "day", 0, 50), scene("y", "night", 50, 100)]}
    project = _two_answers(session, world, "Scenes", schema,
                           {"video": "v.mp4", "frame_count": 100}, answers)
    section = _section(as_, project, "scenes")
    # day: 40 / 50 frames, night: 50 / 60: both matched
    assert section["primary"] == "f1" and section["agreement"]["value"] == 1.0
    assert section["agreement"]["mean_iou"] == pytest.approx((0.8 + 50 / 60) / 2)
    plain = {"t": {who: [r["value"] for r in regions] for who, regions in answers.items()}}
    expected = span_alpha(plain, lengths={"t": 100}).overall.value
    (alpha,) = section["measures"]
    assert alpha["name"] == "segment_alpha" and alpha["value"] == pytest.approx(expected)
    assert 0 < expected < 1


def test_relations_agree_through_their_matched_spans(session, as_, world):
    schema = {"data": [{"name": "text", "type": "text"}],
              "labels": [TEXT_SCHEMA["labels"][0],
                         {"name": "links", "type": "relation", "source": "text",
                          "between": ["entities"],
                          "classes": [{"name": "works_for"}, {"name": "knows"}]}]}

    def span(region_id, start, end, cls):
        return {"id": region_id, "label": "entities", "type": "span",
                "value": {"class": cls, "start": start, "end": end}}

    def link(region_id, start, end, cls):
        return {"id": region_id, "label": "links", "type": "relation",
                "value": {"from": start, "to": end, "class": cls}}

    text = "Ada works for Babbage Ltd and knows Charles"
    answers = {"reviewer": [span("a", 0, 3, "PER"), span("b", 14, 25, "ORG"),
                            span("c", 36, 43, "PER"), link("r1", "a", "b", "works_for"),
                            link("r2", "a", "c", "knows")],
               "annotator": [span("x", 0, 3, "PER"), span("y", 14, 21, "ORG"),
                             span("z", 36, 43, "PER"), link("q1", "x", "y", "works_for"),
                             link("q2", "z", "x", "knows")]}
    project = _two_answers(session, world, "Links", schema, {"text": text}, answers)
    section = _section(as_, project, "links")
    # works_for: its ends match (ORG 14-21 / 14-25: IoU 7/11); knows is reversed
    assert section["primary"] == "f1" and section["agreement"]["value"] == pytest.approx(0.5)
    assert section["classes"]["works_for"]["f1"] == 1.0
    assert section["classes"]["knows"]["f1"] == 0.0
