"""Stage 3: program inventory, receipt matrix, exclusion/inclusion error, overlaps, worklists."""
