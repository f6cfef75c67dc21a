"""Stage 4: the working poor — measure and model why people who work are still poor."""
