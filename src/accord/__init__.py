"""Accord: self-hosted data annotation in which label quality is measured, not assumed."""

__version__ = "0.1.0"
