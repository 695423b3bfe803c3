"""Hit/no-hit between the gemeenten of a regio (ADR 0030). Today only the pure core
(``matching``); the models, index and job follow the plan in ADR 0030."""
