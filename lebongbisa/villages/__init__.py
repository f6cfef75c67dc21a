"""Stage 5: village indicators, a typology by clustering, and a priority ranking for Desa Binaan."""
