"""The police pages' blueprint: views.py and amend_pages.py register their pages on it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("police", __name__, url_prefix="/police")
