"""GIAS and roll imports started from the pages: run in the background, progress polled.

The upload is saved under the instance folder and a row in `import_job` says how far
the import has got. A thread in the web process does the work, with the same rule as
the command line: a file with a rejected row changes nothing unless the coordinator
asked for the good rows anyway. A job that stops reporting (the web process restarted)
is shown as interrupted rather than running for ever.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.engine import Engine
from sqlmodel import Session

from encompass.db import is_postgres, utcnow
from encompass.files.csvfile import ImportFileError, ImportReport
from encompass.lifecycles.import_job import IMPORT_JOB, ImportJobStatus
from encompass.models import ImportJob
from encompass.onboarding.gias import import_gias
from encompass.onboarding.rolls import import_roll
from encompass.records import audit
from encompass.review.rematch import RematchPolicy, after_roll_import

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=5)
MAX_REJECTED_SHOWN = 200


def create_job(
    session: Session,
    *,
    filename: str,
    la_code: str | None,
    partial: bool,
    user_id: int,
    now: datetime,
    kind: str = "gias",
    setting_urn: str = "",
) -> ImportJob:
    job = ImportJob(
        kind=kind,
        setting_urn=setting_urn[:20],
        filename=filename[:200],
        la_code=la_code,
        partial=partial,
        created_by_user_id=user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    session.flush()
    return job


def upload_path(instance_path: str, job_id: int) -> Path:
    folder = Path(instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"upload-{job_id}"


def _update(engine: Engine, job_id: int, **values: object) -> None:
    with Session(engine) as session:
        job = session.get(ImportJob, job_id)
        if job is None:
            return
        for name, value in values.items():
            setattr(job, name, value)
        job.updated_at = utcnow()
        session.add(job)
        session.commit()


def _move(engine: Engine, job_id: int, to: ImportJobStatus, **values: object) -> None:
    """The job's next state, committed at once: the page polls it from another request."""
    with engine.begin() as conn:
        IMPORT_JOB.move(conn, job_id, to, updated_at=utcnow(), **values)


def _import(
    session: Session,
    job: ImportJob,
    path: Path,
    progress: Callable[[int, int], None] | None,
    rematch: RematchPolicy | None,
) -> ImportReport:
    if job.kind == "roll":
        options: dict[str, Any] = {
            "setting_urn": job.setting_urn or None,
            "filename": job.filename,
            "la_code": job.la_code,
        }
        if is_postgres(session):
            report = import_roll(session, path, on_progress=progress, **options)
        else:
            # Progress is written from another connection, which SQLite would keep waiting
            # while the import writes: every row is checked first (with progress), then
            # the roll is written.
            report = import_roll(session, path, on_progress=progress, check_only=True, **options)
            if job.partial or not report.rejected:
                report = import_roll(session, path, **options)
        if report.accepted and (job.partial or not report.rejected) and rematch is not None:
            after_roll_import(session, rematch, now=utcnow())
        return report
    return import_gias(
        session,
        path,
        la_code=job.la_code,
        on_progress=progress,
        filename=job.filename,
        partial=job.partial,
    )


def run_job(engine: Engine, job_id: int, path: Path, rematch: RematchPolicy | None = None) -> None:
    """Do the import and record the outcome on the job; the upload is deleted after."""
    with Session(engine) as session:
        job = session.get(ImportJob, job_id)
        if job is None:
            return
        session.expunge(job)
    _move(engine, job_id, ImportJobStatus.RUNNING, started_at=utcnow())

    def progress(done: int, total: int) -> None:
        _update(engine, job_id, processed_rows=done, total_rows=total)

    try:
        with Session(engine) as session:
            report = _import(session, job, path, progress, rematch)
            rejected = [[row, reason] for row, reason in report.rejected[:MAX_REJECTED_SHOWN]]
            kept = job.partial or not report.rejected
            if kept:
                audit.record(
                    session,
                    "pupils.imported" if job.kind == "roll" else "settings.imported",
                    user_id=job.created_by_user_id,
                    object_type="import_job",
                    object_id=job_id,
                    detail=f"{report.accepted} accepted, {len(report.rejected)} rejected",
                )
                session.commit()
            else:
                session.rollback()
        unit = report.unit
        _move(
            engine,
            job_id,
            ImportJobStatus.FINISHED,
            finished_at=utcnow(),
            accepted=report.accepted if kept else 0,
            skipped=report.skipped,
            rejected=rejected,
            processed_rows=report.accepted + report.skipped + len(report.rejected),
            total_rows=report.accepted + report.skipped + len(report.rejected),
            error="" if kept else f"{len(report.rejected)} {unit}s rejected: nothing was imported",
        )
    except ImportFileError as exc:
        _move(engine, job_id, ImportJobStatus.FAILED, finished_at=utcnow(), error=str(exc)[:500])
    except Exception:
        log.exception("import job %s failed", job_id)
        _move(
            engine,
            job_id,
            ImportJobStatus.FAILED,
            finished_at=utcnow(),
            error="The import stopped because of an error in the service",
        )
    finally:
        path.unlink(missing_ok=True)


def start(
    engine: Engine,
    job_id: int,
    path: Path,
    *,
    inline: bool = False,
    rematch: RematchPolicy | None = None,
) -> None:
    """Run the job in a background thread (or at once, for tests that use no server)."""
    work: Callable[[], None] = lambda: run_job(engine, job_id, path, rematch)  # noqa: E731
    if inline:
        work()
        return
    threading.Thread(target=work, name=f"import-job-{job_id}", daemon=True).start()


def status_of(job: ImportJob, now: datetime) -> str:
    """queued, running, finished, failed, or interrupted (no word from it for a while)."""
    if (
        job.status in (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING)
        and now - job.updated_at > STALE_AFTER
    ):
        return "interrupted"
    return job.status


def progress_text(job: ImportJob, now: datetime) -> str:
    """How far the import has got, in the reader's language (English with no request).
    A failed job's stored error is shown as it was written."""
    status = status_of(job, now)
    if status == "queued":
        return _("Waiting to start")
    if status == "running":
        if job.total_rows:
            percent = job.processed_rows * 100 // job.total_rows
            done, total = format(job.processed_rows, ","), format(job.total_rows, ",")
            return _(
                "Checked %(done)s of %(total)s rows (%(percent)d%%)",
                done=done,
                total=total,
                percent=percent,
            )
        return _("Reading the file")
    if status == "interrupted":
        return _("The import was interrupted: upload the file again")
    if status == "failed":
        return _("The import failed: %(error)s", error=job.error)
    if job.error:
        return _(
            "%(error)s. Fix them, or tick 'Import the good rows' and upload it again",
            error=job.error,
        )
    accepted = format(job.accepted, ",")
    if job.kind == "roll":
        return _("Finished: %(num)s pupils imported", num=accepted)
    return _("Finished: %(num)s settings imported", num=accepted)


def noun(job: ImportJob) -> str:
    return "pupils" if job.kind == "roll" else "settings"
