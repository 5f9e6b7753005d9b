#!/usr/bin/env bash
# One shard of a study per Slurm array task (docs/sweeps.md):
#
#   jobid=$(sbatch --parsable --array=1-8 tools/slurm_sweep.sh spec.json /shared/study)
#   sbatch --dependency=afterok:$jobid --wrap \
#     ".build/release/rtb-verify study merge /shared/study/manifest-shard-*-of-8.json --output /shared/study/manifest.json"
#
# Arguments: SPEC DIRECTORY [BINARIES] (BINARIES: where rtb-sim and rtb-verify are, default
# .build/release). Task I of N runs `rtb-sim sweep SPEC --shard I/N` into DIRECTORY, which every
# node must reach at the same path. A task that is requeued or rerun reuses its finished cells.
#SBATCH --job-name=rtb-sweep
#SBATCH --cpus-per-task=1
#SBATCH --output=rtb-sweep-%A-%a.out
set -euo pipefail
if [[ $# -lt 2 || -z "${SLURM_ARRAY_TASK_ID:-}" || -z "${SLURM_ARRAY_TASK_COUNT:-}" ]]; then
    echo "usage: sbatch --array=1-N $0 SPEC DIRECTORY [BINARIES] (needs SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT)" >&2
    exit 64
fi
spec=$1
directory=$2
binaries=${3:-.build/release}
exec "$binaries/rtb-sim" sweep "$spec" --directory "$directory" \
    --shard "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT" --jobs "${SLURM_CPUS_PER_TASK:-1}" --quiet
