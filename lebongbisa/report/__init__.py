"""Stage 6: the policymaker summary (Bahasa Indonesia by default), built from indicators.csv."""
