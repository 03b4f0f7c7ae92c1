"""Resolving a child on a notice to a setting. One public entry point: resolve_child()."""

from encompass.matching.family import Sibling, siblings_from
from encompass.matching.resolve import ChildFacts, Resolution, Verdict, resolve_child

__all__ = ["ChildFacts", "Resolution", "Sibling", "Verdict", "resolve_child", "siblings_from"]
