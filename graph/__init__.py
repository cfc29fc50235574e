"""leadgraph: interview transcripts -> an evidence-backed knowledge graph of leadership concepts."""

__version__ = "0.1.0"
