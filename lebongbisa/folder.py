"""A period's place among the processed quarters: the same artefact in earlier quarters.

Every stage that compares with an earlier quarter (changes since the last quarter, the saved
linkage model, the key fingerprint, trends) finds it here, and the stage cache fingerprints the
same file, so reprocessing an earlier quarter makes the later quarters' changes stale.
"""

from __future__ import annotations

from pathlib import Path

from lebongbisa import config


def earlier_files(processed: Path, name: str) -> list[Path]:
    """`<quarter>/<name>` in every processed quarter before this one, oldest first."""
    processed = Path(processed)
    return sorted(
        p
        for p in processed.parent.glob(f"*/{name}")
        if config.PERIOD_RE.match(p.parent.name) and p.parent.name < processed.name
    )


def previous_file(processed: Path, name: str) -> Path | None:
    """The artefact `name` of the latest processed quarter before this one, if any."""
    earlier = earlier_files(processed, name)
    return earlier[-1] if earlier else None
