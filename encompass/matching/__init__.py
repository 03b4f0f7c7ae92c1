"""Resolving a child on a notice to a setting. One public entry point: resolve_child()."""

from encompass.matching.resolve import ChildFacts, Resolution, resolve_child

__all__ = ["ChildFacts", "Resolution", "resolve_child"]
