#!/usr/bin/env python3
"""The learning system's library from a campaign-atomization ledger: reads the PatternLearned
events (`rtb-verify dump --kind PatternLearned --format jsonl`) and writes the list that the
config key `library` takes, or, with --config, that config with the list added, so that the
next campaign opens with the patterns learned (docs/atomization.md, the learning rule).

  python3 tools/atomization_library.py campaign1.ledger --config next.json > next-with-library.json
"""
import argparse
import json
import os
import subprocess
import sys


def patterns(ledger, binary):
    done = subprocess.run(
        [os.path.join(binary, "rtb-verify"), "dump", "--trace", ledger, "--kind", "PatternLearned",
         "--format", "jsonl"], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"atomization_library: rtb-verify dump failed: {done.stderr.strip()}")
    library = []
    for line in done.stdout.splitlines():
        event = json.loads(line)
        library.append({"pattern": json.loads(event["pattern"]), "lift_ppm": event["lift"],
                        "confidence_ppm": event["confidence"]})
    return library


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ledger")
    parser.add_argument("--config", help="a config (JSON) to add the library to")
    parser.add_argument("--bin", default=".build/release")
    options = parser.parse_args()
    library = patterns(options.ledger, options.bin)
    if options.config:
        with open(options.config) as handle:
            config = json.load(handle)
        config["library"] = library
        json.dump(config, sys.stdout, sort_keys=True)
    else:
        json.dump(library, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
