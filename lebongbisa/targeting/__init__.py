"""Stage 3: program inventory, receipt matrix, exclusion/inclusion error, overlaps, worklists."""

from lebongbisa.stagespec import StageSpec
from lebongbisa.targeting.definitions import TargetingSettings

SPEC = StageSpec(
    "03_targeting",
    "Sasaran program: cakupan, salah sasaran, dan titik temu antar dinas",
    "Targeting: coverage, exclusion and inclusion error, overlaps",
    "lebongbisa.targeting.stage:target_period",
    needs=("02_link",),
    # identity: the worklists' names; link_pairs and the officers' answers (decisions_log):
    # the uncertain links behind the intervals
    # verification: this quarter's returned lists, added to the earlier quarters' results
    reads=(
        "records",
        "clean",
        "manifest",
        "identity",
        "link_pairs",
        "decisions_log",
        "verification",
    ),
    reads_earlier=("verification_log",),
    # changes since the last quarter; households left out two quarters running (worklist f)
    reads_previous=("targeting_indicators", "household_base", "manifest"),
    writes=(
        "household_base",
        "targeting_indicators",
        "program_combinations",
        "agency_co_receipt",
        "targeting_summary",
        "worklist_a",
        "worklist_b",
        "worklist_c",
        "worklist_d",
        "worklist_e",
        "worklist_f",
        "fix_overview",
        "list_keys",
        "verification_log",
        "verification_workbook",
    ),
    section=TargetingSettings,
    notebook_options=("min_cell",),  # its page hides small cells (report.disclosure)
    settings=("targeting",),  # the number of draws of the intervals
    missing_id="cakupan dan ketepatan sasaran program, pekerja miskin, dan Desa Binaan",
    missing_en="program coverage and targeting errors, working poor and Desa Binaan",
)
