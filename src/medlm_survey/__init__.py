"""medlm-survey: a curated, validated knowledge base of medical large models."""

__version__ = "0.1.0"
