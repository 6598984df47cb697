"""Consensus: one label (or region, or span) per unit from many annotators, each with the
support a workflow needs to accept it or escalate it.

>>> from accord.core.consensus import majority_vote
>>> majority_vote([["cat", "dog", "dog"], ["cat", "dog", "owl"], ["cat", "cat", "owl"]]).labels
('cat', 'dog', 'owl')
"""

from accord.core.consensus._ties import TiePolicy
from accord.core.consensus.dawid_skene import DawidSkeneResult, dawid_skene
from accord.core.consensus.regions import ConsensusRegion, RegionConsensus, region_consensus
from accord.core.consensus.spans import (
    ConsensusSpan,
    SpanConsensus,
    span_consensus,
    text_tokens,
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
    "ConsensusSpan",
    "DawidSkeneResult",
    "RegionConsensus",
    "SpanConsensus",
    "TiePolicy",
    "UnitConsensus",
    "VoteConsensus",
    "dawid_skene",
    "majority_vote",
    "region_consensus",
    "span_consensus",
    "text_tokens",
    "wawa_vote",
    "weighted_vote",
]
