"""Consensus: one label (or region, span, track, transcription or relation) per unit from many
annotators, each with the support a workflow needs to accept it or escalate it.

>>> from accord.core.consensus import majority_vote
>>> majority_vote([["cat", "dog", "dog"], ["cat", "dog", "owl"], ["cat", "cat", "owl"]]).labels
('cat', 'dog', 'owl')
"""

from accord.core.consensus._ties import TiePolicy
from accord.core.consensus.dawid_skene import DawidSkeneResult, dawid_skene
from accord.core.consensus.links import region_links, span_links
from accord.core.consensus.regions import ConsensusRegion, RegionConsensus, region_consensus
from accord.core.consensus.relations import (
    ConsensusRelation,
    RelationConsensus,
    relation_consensus,
)
from accord.core.consensus.spans import (
    ConsensusSpan,
    SpanConsensus,
    span_consensus,
    text_tokens,
)
from accord.core.consensus.tracks import ConsensusTrack, TrackConsensus, track_consensus
from accord.core.consensus.transcriptions import (
    ConsensusTranscription,
    TranscriptionConsensus,
    transcription_consensus,
)
from accord.core.consensus.votes import (
    UnitConsensus,
    VoteConsensus,
    majority_vote,
    wawa_vote,
    weighted_vote,
)

__all__ = [
    "ConsensusRegion",
    "ConsensusRelation",
    "ConsensusSpan",
    "ConsensusTrack",
    "ConsensusTranscription",
    "DawidSkeneResult",
    "RegionConsensus",
    "RelationConsensus",
    "SpanConsensus",
    "TiePolicy",
    "TrackConsensus",
    "TranscriptionConsensus",
    "UnitConsensus",
    "VoteConsensus",
    "dawid_skene",
    "majority_vote",
    "region_consensus",
    "region_links",
    "relation_consensus",
    "span_consensus",
    "span_links",
    "text_tokens",
    "track_consensus",
    "transcription_consensus",
    "wawa_vote",
    "weighted_vote",
]
