"""Progress of a running import, written where the page that polls it can read it."""

from django.db import connection, connections

from .models import ImportJob


class Progress:
    """Writes a job's progress where the page that polls it can read it.

    Inside the import's transaction an UPDATE on the same connection would stay invisible
    until the commit, so on PostgreSQL progress goes through a second, autocommitting
    connection. On SQLite (tests, demo) progress inside the transaction is skipped."""

    def __init__(self, job: ImportJob):
        self.job = job
        self._side = None

    def __call__(self, status: str, progress: int, total: int | None = None) -> None:
        total = self.job.total if total is None else total
        self.job.status, self.job.progress, self.job.total = status, progress, total
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job.pk).update(
                status=status, progress=progress, total=total
            )
            return
        if connection.vendor != "postgresql":
            return
        if self._side is None:
            self._side = connections.create_connection("default")
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET status = %s, progress = %s, total = %s "
                "WHERE id = %s",
                [status, progress, total, self.job.pk],
            )

    def close(self):
        if self._side is not None:
            self._side.close()
            self._side = None
