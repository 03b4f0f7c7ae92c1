"""Packaging: the wheel carries the pages' templates and static files, GOV.UK Frontend's
built CSS and JavaScript included, so `pip install` of the wheel and the Procfile serve
styled pages on a server without npm. Everything else is in pyproject.toml.

At packaging time the GOV.UK files come from static/govuk/ (scripts/bootstrap copies them
there) or straight from node_modules/ (`npm ci`); with neither, the build stops and says
so, rather than make a package whose pages are unstyled. A checkout (and an editable
install) serves templates/ and static/ where they are; see encompass.site_dir.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# What a page asks for from GOV.UK Frontend (base.html, static/encompass.js). Its fonts
# and images are left out: the pages never ask for them, and they are GOV.UK's own.
GOVUK_FILES = ("govuk-frontend.min.css", "govuk-frontend.min.js")


def _govuk_source() -> Path:
    for folder in (HERE / "static" / "govuk", HERE / "node_modules/govuk-frontend/dist/govuk"):
        if all((folder / name).is_file() for name in GOVUK_FILES):
            return folder
    raise SystemExit(
        "GOV.UK Frontend is not built: run `npm ci` (or scripts/bootstrap) before "
        "building the package, or its pages would be unstyled"
    )


def copy_site(target: Path) -> None:
    """templates/ and static/ (GOV.UK's files as above) into the package as `site/`."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(HERE / "templates", target / "templates")
    shutil.copytree(HERE / "static", target / "static", ignore=shutil.ignore_patterns("govuk"))
    govuk = target / "static" / "govuk"
    govuk.mkdir()
    source = _govuk_source()
    for name in GOVUK_FILES:
        shutil.copy2(source / name, govuk / name)
    shutil.copy2(HERE / "licenses" / "govuk-frontend.txt", govuk / "LICENSE.txt")


class BuildWithSite(build_py):
    def run(self) -> None:
        super().run()
        # An editable install serves the checkout's own folders.
        if not getattr(self, "editable_mode", False):
            copy_site(Path(self.build_lib) / "encompass" / "site")


setup(cmdclass={"build_py": BuildWithSite})
