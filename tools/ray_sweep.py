"""Runs a study on a Ray cluster: one Ray task per shard, each `rtb-sim sweep SPEC --shard I/N`
in a study directory every node can reach, then merges the shard manifests in cell order.

usage: python3 tools/ray_sweep.py SPEC DIRECTORY [--shards N] [--address ADDRESS]
                                  [--binaries DIR] [--jobs-per-task J]

ADDRESS is a Ray cluster's address (`ray start --head` prints it; "auto" joins the cluster this
machine belongs to; without it a local Ray instance is started for the run). The binaries
(rtb-sim and rtb-verify, default .build/release) and the study directory must be at the same
paths on every node (a shared filesystem), as the ledgers are written there. The merged
manifest is DIRECTORY/manifest.json, byte for byte the one `rtb-sim sweep SPEC` writes on one
machine; the study digest is printed. Exit 0 when every shard succeeded and the merge did.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import ray


@ray.remote(num_cpus=1)
def run_shard(binaries, spec, directory, index, count, jobs):
    """One shard, as a process on whichever node Ray chose; returns its manifest path."""
    result = subprocess.run(
        [os.path.join(binaries, "rtb-sim"), "sweep", spec, "--directory", directory,
         "--shard", f"{index}/{count}", "--jobs", str(jobs), "--json", "--quiet"],
        capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"shard {index}/{count}: exit {result.returncode}: {result.stderr.strip()}")
    return json.loads(result.stdout)["manifest"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("spec")
    parser.add_argument("directory")
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--address", default=None)
    parser.add_argument("--binaries", default=".build/release")
    parser.add_argument("--jobs-per-task", type=int, default=1)
    arguments = parser.parse_args()
    binaries = os.path.abspath(arguments.binaries)
    spec = os.path.abspath(arguments.spec)
    directory = os.path.abspath(arguments.directory)
    os.makedirs(directory, exist_ok=True)

    ray.init(address=arguments.address, include_dashboard=False, logging_level="ERROR",
             log_to_driver=False)
    started = time.monotonic()
    tasks = [run_shard.remote(binaries, spec, directory, index, arguments.shards,
                              arguments.jobs_per_task)
             for index in range(1, arguments.shards + 1)]
    manifests = ray.get(tasks)
    seconds = time.monotonic() - started
    ray.shutdown()

    output = os.path.join(directory, "manifest.json")
    merged = subprocess.run(
        [os.path.join(binaries, "rtb-verify"), "study", "merge", *manifests, "--output", output],
        capture_output=True, text=True)
    if merged.returncode != 0:
        sys.exit(f"ray_sweep: merge failed: {merged.stderr.strip()}")
    digest = json.load(open(output))["study_digest"]
    print(f"manifest:     {output}")
    print(f"shards:       {arguments.shards} Ray tasks, {seconds:.2f} s (measured, cluster start excluded)")
    print(f"study digest: {digest}")


if __name__ == "__main__":
    main()
