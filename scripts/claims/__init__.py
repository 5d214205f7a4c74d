"""claims: validate, build and publish the source-anchored claims dataset."""

__version__ = "0.1.0"
