"""Background jobs on a queue (docs/adr/0028): every Celery task of the project runs as a JobRun
that the beheerder sees on 'Achtergrondtaken' — queued, running with progress, done, or failed
after its retries — and a job never runs twice at once."""
