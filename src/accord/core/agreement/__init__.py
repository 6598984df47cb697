"""Inter-annotator agreement: how far annotators' labels agree beyond what chance explains.

Categorical labels (`categorical`, `multilabel`), regions matched by overlap (`regions`),
text spans (`spans`, and Krippendorff's alpha for unitizing in `span_alpha`), relations
between regions (`relations`), audio segments
and their transcripts (`segments`), video tracks (`tracks`), transcriptions (`transcripts`)
and Krippendorff's alpha with any distance (`distance_alpha`); results carry their intervals
and breakdowns (`results`).

>>> from accord.core.agreement import krippendorff_alpha
>>> krippendorff_alpha([[1, 2, 2], [1, 2, 3]]).n_units
3
"""

from accord.core.agreement._data import LongForm
from accord.core.agreement.categorical import (
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from accord.core.agreement.distance_alpha import (
    distance_alpha,
    region_set_distance,
    transcript_distance,
)
from accord.core.agreement.multilabel import (
    MultiLabelAgreement,
    jaccard_distance,
    masi_distance,
    per_class_agreement,
    set_alpha,
)
from accord.core.agreement.regions import (
    DetectionScore,
    RegionAgreement,
    box_agreement,
    region_agreement,
)
from accord.core.agreement.relations import RelationAgreement, relation_agreement
from accord.core.agreement.results import (
    AgreementScore,
    ClassAgreement,
    ConfidenceInterval,
    PairwiseAgreement,
)
from accord.core.agreement.segments import (
    SegmentTranscriptAgreement,
    segment_agreement,
    segment_transcript_agreement,
)
from accord.core.agreement.span_alpha import SpanAlpha, span_alpha
from accord.core.agreement.spans import SpanAgreement, span_agreement
from accord.core.agreement.tracks import ClearMot, TrackAgreement, TrackScore, track_agreement
from accord.core.agreement.transcripts import (
    ErrorRate,
    TranscriptAgreement,
    character_error_rate,
    transcript_agreement,
    word_error_rate,
)

__all__ = [
    "AgreementScore",
    "ClassAgreement",
    "ClearMot",
    "ConfidenceInterval",
    "DetectionScore",
    "ErrorRate",
    "LongForm",
    "MultiLabelAgreement",
    "PairwiseAgreement",
    "RegionAgreement",
    "RelationAgreement",
    "SegmentTranscriptAgreement",
    "SpanAgreement",
    "SpanAlpha",
    "TrackAgreement",
    "TrackScore",
    "TranscriptAgreement",
    "box_agreement",
    "character_error_rate",
    "cohen_kappa",
    "distance_alpha",
    "fleiss_kappa",
    "gwet_ac1",
    "jaccard_distance",
    "krippendorff_alpha",
    "masi_distance",
    "per_class_agreement",
    "percent_agreement",
    "region_agreement",
    "region_set_distance",
    "relation_agreement",
    "scott_pi",
    "segment_agreement",
    "segment_transcript_agreement",
    "set_alpha",
    "span_agreement",
    "span_alpha",
    "track_agreement",
    "transcript_agreement",
    "transcript_distance",
    "word_error_rate",
]
