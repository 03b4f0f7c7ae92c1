"""An import job's status (GIAS and roll imports started from the pages).

    queued -> running -> finished | failed
    queued -> failed                        (it could not start)

`finished` and `failed` are final. A job that stops reporting is shown as interrupted
(onboarding/import_jobs.status_of), which is a reading of the row, not a state.
"""

from __future__ import annotations

from enum import StrEnum

from encompass.lifecycles import Lifecycle
from encompass.models import ImportJob


class ImportJobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


IMPORT_JOB = Lifecycle(
    ImportJob,
    "status",
    ImportJobStatus.QUEUED,
    {
        ImportJobStatus.QUEUED: (ImportJobStatus.RUNNING, ImportJobStatus.FAILED),
        ImportJobStatus.RUNNING: (ImportJobStatus.FINISHED, ImportJobStatus.FAILED),
        ImportJobStatus.FINISHED: (),
        ImportJobStatus.FAILED: (),
    },
)
