"""Health for operations (docs/adr/0027): liveness, readiness, the worker's heartbeat, and the
beheerder's page with each check by name."""
