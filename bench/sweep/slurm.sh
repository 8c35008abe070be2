#!/bin/bash
# A Slurm job array running one sweep as 20 shards; merge afterwards with
#   bin/twin merge results/sweep-shard-* --out results/sweep
#SBATCH --job-name=citytwin-sweep
#SBATCH --array=0-19
#SBATCH --cpus-per-task=1
#SBATCH --mem=2G
#SBATCH --time=01:00:00
set -euo pipefail
k=$((SLURM_ARRAY_TASK_ID + 1))
n=${SLURM_ARRAY_TASK_COUNT:-20}
bin/twin sweep scenarios/osterbro.yaml --seeds 1..100 \
  --set traffic.demand.random_trips=1500,2000,2500 \
  --shard "$k/$n" --out "results/sweep-shard-$k"
