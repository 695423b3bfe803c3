"""The deterministic synthetic municipality (see ``build.build``)."""
