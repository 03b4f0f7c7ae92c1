"""Import settings from a GIAS file, or a pupil roll, on the pages, and watch it go."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from encompass.admin.blueprint import bp, council_scope
from encompass.admin.forms import ImportForm, RollImportForm, SearchForm
from encompass.admin.queries import find_settings
from encompass.auth.access import role_required
from encompass.db import utcnow
from encompass.models import ImportJob
from encompass.onboarding import import_jobs
from encompass.onboarding.new_setting import SETTING_KINDS
from encompass.policies import policies
from encompass.web.uploads import accepts_upload

# The whole of England's GIAS download is about 60 MB.
MAX_GIAS_BYTES = 128 * 1024 * 1024
# A council's census file, or a large school's CTF.
MAX_ROLL_BYTES = 128 * 1024 * 1024


@bp.post("/settings/import")
@accepts_upload(MAX_GIAS_BYTES)
@role_required("admin", "coordinator")
def import_settings() -> Any:
    form = ImportForm()
    if not form.validate_on_submit():
        found, total = find_settings(g.db, council_scope())
        return render_template(
            "admin/settings.html",
            settings=found,
            total=total,
            search=SearchForm(),
            kinds=SETTING_KINDS,
            import_form=form,
            form=form,
        ), 400
    upload = form.file.data
    job = import_jobs.create_job(
        g.db,
        filename=secure_filename(upload.filename) or "gias.csv",
        la_code=council_scope(),
        partial=bool(form.partial.data),
        user_id=current_user.id,
        now=utcnow(),
    )
    return _save_and_start(job, upload)


def _save_and_start(job: ImportJob, upload: Any) -> Any:
    """Commit the job, keep the uploaded file under its number, start it, show its page."""
    g.db.commit()
    assert job.id is not None
    path = import_jobs.upload_path(current_app.instance_path, job.id)
    upload.save(path)
    _start(job.id, path)
    return redirect(url_for("admin.import_job", job_id=job.id))


def _start(job_id: int, path: Any) -> None:
    import_jobs.start(
        current_app.extensions["encompass_engine"],
        job_id,
        path,
        inline=policies().import_jobs_inline,
        rematch=policies().rematch,
    )


@bp.get("/rolls/import")
@role_required("admin", "coordinator")
def roll_import() -> Any:
    form = RollImportForm(setting_urn=request.args.get("setting", ""))
    return render_template("admin/roll_import.html", form=form)


@bp.post("/rolls/import")
@accepts_upload(MAX_ROLL_BYTES)
@role_required("admin", "coordinator")
def roll_upload() -> Any:
    form = RollImportForm()
    if not form.validate_on_submit():
        return render_template("admin/roll_import.html", form=form), 400
    upload = form.file.data
    job = import_jobs.create_job(
        g.db,
        kind="roll",
        setting_urn=(form.setting_urn.data or "").strip(),
        filename=secure_filename(upload.filename) or "roll.csv",
        la_code=council_scope(),
        partial=bool(form.partial.data),
        user_id=current_user.id,
        now=utcnow(),
    )
    return _save_and_start(job, upload)


def _job_or_404(job_id: int) -> ImportJob:
    job = g.db.get(ImportJob, job_id)
    scope = council_scope()
    if job is None or (scope is not None and job.la_code != scope):
        abort(404)
    return job


@bp.get("/imports/<int:job_id>")
@role_required("admin", "coordinator")
def import_job(job_id: int) -> Any:
    job = _job_or_404(job_id)
    now = utcnow()
    return render_template(
        "admin/import_job.html",
        job=job,
        status=import_jobs.status_of(job, now),
        progress_text=import_jobs.progress_text(job, now),
        noun=import_jobs.noun(job),
    )


@bp.get("/imports/<int:job_id>/status")
@role_required("admin", "coordinator")
def import_job_status(job_id: int) -> Any:
    """What the progress page polls: how far the import has got."""
    job = _job_or_404(job_id)
    now = utcnow()
    return jsonify(
        status=import_jobs.status_of(job, now),
        total_rows=job.total_rows,
        processed_rows=job.processed_rows,
        progress_text=import_jobs.progress_text(job, now),
    )
