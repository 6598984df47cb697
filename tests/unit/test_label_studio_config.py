"""Label Studio XML configs converted to Accord schemas, on configs like the ones teams use."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core.errors import InputError
from accord.core.label_studio_config import (
    SUPPORTED_TAGS,
    label_studio_from_schema,
    schema_from_label_studio,
)
from accord.core.schema import parse_schema


def convert(xml: str) -> dict:
    doc = schema_from_label_studio(xml)
    parse_schema(doc)  # every converted document is a valid Accord schema
    return doc


def test_an_object_detection_config_becomes_a_bbox_label():
    doc = convert("""
<View>
  <Header value="Draw a box around every vehicle"/>
  <Image name="image" value="$image" zoom="true" zoomControl="true"/>
  <RectangleLabels name="label" toName="image" required="true" canRotate="false">
    <Label value="Airplane" background="green" hotkey="1"/>
    <Label value="Car" background="#FFA39E" hotkey="2"/>
  </RectangleLabels>
</View>""")
    assert doc == {
        "data": [{"name": "image", "type": "image"}],
        "labels": [{"name": "label", "type": "bbox", "source": "image",
                    "classes": [{"name": "Airplane", "hotkey": "1"},
                                {"name": "Car", "hotkey": "2", "color": "#ffa39e"}],
                    "rules": {"required": True}}]}


def test_a_named_entity_config_becomes_spans_and_relations():
    doc = convert("""
<View>
  <Relations>
    <Relation value="org:founded_by"/>
    <Relation value="per:employee_of" background="#00ff00"/>
  </Relations>
  <Labels name="label" toName="text">
    <Label value="PER" background="red"/>
    <Label value="ORG" background="darkorange"/>
  </Labels>
  <Text name="text" value="$text" granularity="word"/>
</View>""")
    assert doc == {
        "data": [{"name": "text", "type": "text"}],
        "labels": [
            {"name": "relations", "type": "relation", "source": "text",
             "classes": [{"name": "org:founded_by"},
                         {"name": "per:employee_of", "color": "#00ff00"}]},
            {"name": "label", "type": "span", "source": "text",
             "classes": [{"name": "PER"}, {"name": "ORG"}]}]}


def test_a_text_classification_config_keeps_single_multiple_and_rating_controls():
    doc = convert("""
<View>
  <Text name="review" value="$review_text"/>
  <View style="box-shadow: 2px 2px 5px #999; padding: 20px;">
    <Header value="Sentiment"/>
    <Choices name="sentiment" toName="review" choice="single-radio" showInLine="true"
             required="true">
      <Choice value="Positive" hotkey="p"/>
      <Choice value="Negative" hotkey="n"/>
      <Choice value="Neutral"/>
    </Choices>
    <Choices name="topics" toName="review" choice="multiple">
      <View><Choice value="Price"/><Choice value="Delivery"/></View>
    </Choices>
    <Rating name="stars" toName="review" maxRating="10" icon="star"/>
  </View>
</View>""")
    assert doc["data"] == [{"name": "review", "type": "text", "source": "review_text"}]
    assert doc["labels"] == [
        {"name": "sentiment", "type": "classification", "source": "review",
         "classes": [{"name": "Positive", "hotkey": "p"}, {"name": "Negative", "hotkey": "n"},
                     {"name": "Neutral"}], "rules": {"required": True}},
        {"name": "topics", "type": "multilabel", "source": "review",
         "classes": [{"name": "Price"}, {"name": "Delivery"}]},
        {"name": "stars", "type": "rating", "source": "review", "scale": {"min": 1, "max": 10}}]


def test_a_speaker_diarisation_config_becomes_audio_segments_and_a_transcription():
    doc = convert("""
<View>
  <Labels name="speaker" toName="audio">
    <Label value="Speaker 1" hotkey="1"/>
    <Label value="Speaker 2" hotkey="2"/>
  </Labels>
  <AudioPlus name="audio" value="$audio"/>
  <TextArea name="transcription" toName="audio" rows="4" editable="true" perRegion="true"
            required="true"/>
</View>""")
    assert doc["data"] == [{"name": "audio", "type": "audio"}]
    assert doc["labels"] == [
        {"name": "speaker", "type": "audio_segment", "source": "audio",
         "classes": [{"name": "Speaker 1", "hotkey": "1"}, {"name": "Speaker 2", "hotkey": "2"}]},
        {"name": "transcription", "type": "transcription", "source": "audio",
         "rules": {"required": True}}]


def test_keypoint_labels_become_one_single_point_class_each():
    doc = convert("""
<View>
  <KeyPointLabels name="kp" toName="img" strokewidth="5">
    <Label value="Nose" background="#ff0000"/>
    <Label value="Left eye" background="#00ff00" hotkey="l"/>
  </KeyPointLabels>
  <Image name="img" value="$image"/>
</View>""")
    assert doc["data"] == [{"name": "img", "type": "image", "source": "image"}]
    assert doc["labels"][0]["classes"] == [
        {"name": "Nose", "color": "#ff0000", "keypoints": ["Nose"]},
        {"name": "Left eye", "hotkey": "l", "color": "#00ff00", "keypoints": ["Left eye"]}]


def test_brush_and_polygon_labels_become_mask_and_polygon_labels():
    doc = convert("""
<View>
  <Image name="image" value="$image"/>
  <BrushLabels name="tag" toName="image"><Label value="Sky" background="#6ec1e4"/></BrushLabels>
  <PolygonLabels name="poly" toName="image"><Label value="Road"/></PolygonLabels>
</View>""")
    assert [(label["name"], label["type"]) for label in doc["labels"]] == [
        ("tag", "mask"), ("poly", "polygon")]


def test_a_video_rectangle_takes_its_classes_from_the_labels_on_the_video():
    doc = convert("""
<View>
   <Labels name="videoLabels" toName="video" allowEmpty="true">
     <Label value="Man" background="blue"/>
     <Label value="Woman" background="red"/>
   </Labels>
   <Video name="video" value="$video" framerate="25.0"/>
   <VideoRectangle name="box" toName="video"/>
</View>""")
    assert doc["labels"] == [{"name": "box", "type": "video_track", "source": "video",
                              "classes": [{"name": "Man"}, {"name": "Woman"}]}]


def test_timeline_labels_on_a_video_become_video_segments_and_back():
    doc = convert("""
<View>
  <Video name="video" value="$video" framerate="25.0"/>
  <TimelineLabels name="scene" toName="video" required="true">
    <Label value="Day" hotkey="d" background="#FFEE00"/><Label value="Night"/>
  </TimelineLabels>
</View>""")
    assert doc["labels"] == [{"name": "scene", "type": "video_segment", "source": "video",
                              "classes": [{"name": "Day", "hotkey": "d", "color": "#ffee00"},
                                          {"name": "Night"}],
                              "rules": {"required": True}}]
    assert convert(label_studio_from_schema(doc)) == doc


def test_timeline_labels_on_anything_but_a_video_are_refused_with_their_tag():
    with pytest.raises(InputError, match=r'<TimelineLabels name="scene"> on line 1: .*video'):
        convert('<View><Text name="t" value="$t"/><TimelineLabels name="scene" toName="t">'
                '<Label value="Day"/></TimelineLabels></View>')


def test_shapes_sharing_one_labels_tag_share_its_classes_but_only_the_first_its_hotkeys():
    doc = convert("""
<View>
  <Image name="image" value="$image"/>
  <Rectangle name="box" toName="image"/>
  <Polygon name="outline" toName="image"/>
  <Labels name="classes" toName="image" required="true"><Label value="Car" hotkey="c"/></Labels>
</View>""")
    assert doc["labels"] == [
        {"name": "box", "type": "bbox", "source": "image",
         "classes": [{"name": "Car", "hotkey": "c"}], "rules": {"required": True}},
        {"name": "outline", "type": "polygon", "source": "image", "classes": [{"name": "Car"}],
         "rules": {"required": True}}]


def test_a_bare_rectangle_without_labels_gets_one_class_named_after_it():
    doc = convert('<View><Image name="i" value="$i"/><Rectangle name="face" toName="i"/></View>')
    assert doc["labels"][0]["classes"] == [{"name": "face"}]


def test_layout_tags_are_looked_through():
    doc = convert("""
<View>
  <Style>.big { font-size: 2em }</Style>
  <Image name="image" value="$image"/>
  <Filter name="filter" toName="weather" hotkey="shift+f" minlength="1"/>
  <Collapse>
    <Panel value="Details">
      <Choices name="weather" toName="image"><Choice value="Sunny"/><Choice value="Rain"/></Choices>
    </Panel>
  </Collapse>
</View>""")
    assert [label["name"] for label in doc["labels"]] == ["weather"]


@pytest.mark.parametrize("tag", ["Ellipse", "Paragraphs", "Ranker", "TimeSeries", "Taxonomy",
                                 "Pairwise", "ParagraphLabels", "HyperTextLabels", "DateTime"])
def test_an_unsupported_tag_is_named_with_its_line_and_the_supported_tags(tag):
    xml = f'<View>\n  <Image name="image" value="$image"/>\n  <{tag} name="x1" toName="image"/>\n</View>'
    with pytest.raises(InputError, match=rf'<{tag} name="x1"> on line 3: the tag {tag} is not '
                       "supported; Accord converts Audio, AudioPlus, Brush") as caught:
        schema_from_label_studio(xml)
    assert caught.value.details == {"tag": tag, "name": "x1", "line": 3}
    assert "RectangleLabels" in str(caught.value)


def test_malformed_xml_is_reported_with_line_and_column():
    with pytest.raises(InputError, match=r"config, line 3, column 5: not well-formed XML "
                       r"\(mismatched tag\)") as caught:
        schema_from_label_studio('<View>\n  <Image name="i" value="$i">\n  </View>')
    assert (caught.value.details["line"], caught.value.details["column"]) == (3, 5)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<View><Header value="&lol3;"/></View>"""
EXTERNAL_ENTITY = """<!DOCTYPE v [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<View><Header value="&xxe;"/></View>"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_dtds_and_entities_are_refused_outright(xml):
    with pytest.raises(InputError, match=r"config, line \d: declares a DOCTYPE or an entity"):
        schema_from_label_studio(xml)


def test_an_undeclared_entity_is_malformed_xml():
    with pytest.raises(InputError, match="undefined entity"):
        schema_from_label_studio('<View><Header value="&xxe;"/></View>')


@pytest.mark.parametrize(("control", "message"), [
    ('<Choices name="c" toName="picture"><Choice value="a"/></Choices>',
     r"toName='picture' is not an object in this config; objects: image"),
    ('<Choices name="c" toName="image,image"><Choice value="a"/></Choices>',
     "names several objects"),
    ('<Choices name="c" toName="image" choice="some"><Choice value="a"/></Choices>',
     r'expected choice="single", "single-radio" or "multiple", got \'some\''),
    ('<Choices name="c" toName="image" perRegion="true"><Choice value="a"/></Choices>',
     "per-region controls have no Accord label"),
    ('<Labels name="l" toName="image"><Label value="a"/></Labels>',
     "<Labels> on the image 'image' needs a shape tag on it"),
    ('<Rating name="r" toName="image" maxRating="many"/>', "expected maxRating to be a whole"),
    ('<Choices toName="image"><Choice value="a"/></Choices>', "the 'name' attribute is missing"),
    ('<Choices name="c" toName="image"><Choice/></Choices>', "the 'value' attribute is missing"),
])
def test_controls_that_cannot_be_converted_say_why(control, message):
    with pytest.raises(InputError, match=message):
        schema_from_label_studio(f'<View><Image name="image" value="$image"/>{control}</View>')


def test_an_object_must_read_a_task_field():
    with pytest.raises(InputError, match=r'<Image name="i"> on line 1: expected value="\$field"'):
        schema_from_label_studio('<View><Image name="i" value="http://x/a.png"/></View>')


def test_schema_problems_point_back_to_the_tag_and_line():
    xml = """<View>
  <Text name="t" value="$t"/>
  <Choices name="a" toName="t"><Choice value="x" hotkey="1"/></Choices>
  <Choices name="b" toName="t"><Choice value="y" hotkey="1"/></Choices>
</View>"""
    with pytest.raises(InputError, match="converts to an Accord schema with 1 problem") as caught:
        schema_from_label_studio(xml)
    [problem] = caught.value.details["problems"]
    assert problem["path"] == "labels[1].classes[0].hotkey"
    assert problem["message"].startswith('<Choices name="b"> on line 4: hotkey \'1\' is already')


def test_every_supported_tag_is_documented():
    text = (Path(__file__).resolve().parents[2] / "docs" / "schema.md").read_text()
    assert sorted(tag for tag in SUPPORTED_TAGS if f"`{tag}`" not in text) == []


def test_the_supported_tags_include_every_mapped_control():
    assert {"RectangleLabels", "PolygonLabels", "KeyPointLabels", "BrushLabels", "Labels",
            "Choices", "TextArea", "Rating", "Relations", "VideoRectangle"} <= SUPPORTED_TAGS


label_values = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                       min_size=1, max_size=12).filter(lambda s: s == s.strip())


@given(st.lists(label_values, min_size=1, max_size=6, unique=True))
def test_label_values_survive_conversion_verbatim_markup_included(values):
    children = "".join(f"<Label value={quoteattr(v)}/>" for v in values)
    doc = convert(f'<View><Image name="i" value="$i"/>'
                  f'<RectangleLabels name="r" toName="i">{children}</RectangleLabels></View>')
    assert [c["name"] for c in doc["labels"][0]["classes"]] == values
