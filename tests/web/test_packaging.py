"""The wheel is the deployment: built once, installed with pip and run by the Procfile, it
serves styled pages on a server that never ran npm (GOV.UK Frontend's CSS and JavaScript
and their licence are in it; GOV.UK's fonts and images are not)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Run from the unpacked wheel, outside the checkout: the app as `pip install` leaves it.
SERVE = """
import json, sys
import encompass
from encompass import create_app
app = create_app("testing", read_env_file=False)
client = app.test_client()
login = client.get("/login")
css = client.get("/static/govuk/govuk-frontend.min.css")
ours = client.get("/static/encompass.css")
script = client.get("/static/govuk/govuk-frontend.min.js")
print(json.dumps({
    "package": encompass.__file__,
    "login": login.status_code,
    "stylesheet_linked": "/static/govuk/govuk-frontend.min.css" in login.get_data(as_text=True),
    "css": css.status_code,
    "css_bytes": len(css.get_data()),
    "ours": ours.status_code,
    "script": script.status_code,
}))
"""


def _wheel(out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
        cwd=ROOT,
        timeout=600,
    )
    (wheel,) = out.glob("encompass-*.whl")
    return wheel


def test_the_wheel_carries_govuk_frontend_and_serves_styled_pages_without_npm(tmp_path):
    wheel = _wheel(tmp_path / "dist")
    names = set(zipfile.ZipFile(wheel).namelist())

    site = "encompass/site/"
    for name in (
        "static/govuk/govuk-frontend.min.css",
        "static/govuk/govuk-frontend.min.js",
        "static/govuk/LICENSE.txt",
        "static/encompass.css",
        "static/encompass.js",
        "templates/base.html",
        "templates/alerts/_acknowledge.html",
    ):
        assert site + name in names, f"{name} is not in {wheel.name}"
    assert not [n for n in names if "/fonts/" in n or n.endswith(".map")]

    installed = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(installed)
    elsewhere = tmp_path / "server"
    elsewhere.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(installed),
        "DATABASE_URL": f"sqlite:///{elsewhere / 'encompass.db'}",
        "INSTANCE_DIR": str(elsewhere / "instance"),
    }
    run = {"cwd": elsewhere, "env": env, "capture_output": True, "text": True, "timeout": 120}
    result = subprocess.run([sys.executable, "-c", SERVE], check=False, **run)
    assert result.returncode == 0, result.stderr[-2000:]
    served = json.loads(result.stdout.strip().splitlines()[-1])

    assert served["package"].startswith(str(installed)), served
    assert served["login"] == 200 and served["stylesheet_linked"], served
    assert served["css"] == 200 and served["css_bytes"] > 50_000, served
    assert served["ours"] == 200 and served["script"] == 200, served
