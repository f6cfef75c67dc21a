"""Stage 1: read every delivered source of a period, validate, normalize, quarantine, reconcile."""
