"""Resolving a child on a notice to a setting. One public entry point: resolve_child()."""

from encompass.matching.family import Sibling, siblings_from
from encompass.matching.resolve import ChildFacts, Resolution, resolve_child

__all__ = ["ChildFacts", "Resolution", "Sibling", "resolve_child", "siblings_from"]
