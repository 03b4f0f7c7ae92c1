"""What every browser test does to a page: check it, screenshot it, sign in on it."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
GOVUK_CSS = ROOT / "static" / "govuk" / "govuk-frontend.min.css"
CHROMIUM = Path(os.environ.get("ENCOMPASS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_22_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PHONE = {"width": 360, "height": 740}
# The smallest phone the DSL's first screen is measured on (an iPhone SE).
SMALL_PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 900}


def check_page(page: Any, name: str, *, phone: bool = False) -> None:
    """axe-core (WCAG 2.2 A and AA), one <h1> that starts the <title>, a screenshot."""
    page.wait_for_load_state("load")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    h1s = page.locator("h1").all_inner_texts()
    assert len(h1s) == 1, f"{name}: expected one <h1>, found {h1s}"
    title = page.title()
    heading = " ".join(h1s[0].split())
    assert re.sub(r"^(Error|Gwall): ", "", title).startswith(heading), (
        f"{name}: {title!r} vs {heading!r}"
    )
    ids = page.evaluate(
        "() => [...document.querySelectorAll('[id]')].map(e => e.id)"
        ".filter((id, i, all) => all.indexOf(id) !== i)"
    )
    assert ids == [], f"{name}: duplicate ids {ids}"
    if phone:
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name}: the page is {overflow}px wider than the phone screen"
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_22_A_AA,
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert problems == [], f"{name}: accessibility violations:\n" + "\n".join(problems)
    assert page.fonts_requested == [], f"{name}: font files requested {page.fonts_requested}"
    errors = getattr(page, "script_errors", [])
    assert errors == [], f"{name}: script errors or missing assets: {errors}"
    violations = getattr(page, "csp_violations", [])
    assert violations == [], f"{name}: blocked by the Content-Security-Policy: {violations}"


def sign_in(page: Any, email: str, *, name: str | None = None) -> None:
    """Email and password; then, for a role that needs one, the authenticator-app code
    (set up on first sign-in, the way a person would: reading the key off the page).
    `name` saves the two-factor page's screenshot and checks under that name."""
    from datetime import UTC, datetime

    from encompass.auth.two_factor import code_at_step, step_at
    from tests.factories import PASSWORD

    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    if "/login/two-factor" not in page.url:
        return
    secret = page.locator("#totp-secret")
    assert secret.count() == 1, "the two-factor step needs a code this test cannot know"
    if name:
        check_page(page, name)
    code = code_at_step(secret.inner_text().replace(" ", ""), step_at(datetime.now(UTC)))
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")


def unfold(page: Any, details: str) -> None:
    """Open a folded section (a <details> element) to fill its boxes, as a person would;
    left open if it is open already."""
    page.locator(details).evaluate("d => { d.open = true; }")
