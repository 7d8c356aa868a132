#!/usr/bin/env python3
"""The stand-in's version of the official image's convention: every PULSAR_PREFIX_<key>=<value> in the environment
sets <key>=<value> in each configuration file named on the command line (replacing the key's line, or appended)."""
import os
import sys

PREFIX = "PULSAR_PREFIX_"

def apply(path, settings):
    with open(path) as file:
        lines = file.read().split("\n")
    pending = dict(settings)
    for index, line in enumerate(lines):
        key = line.split("=", 1)[0].strip() if "=" in line and not line.lstrip().startswith("#") else None
        if key in pending:
            lines[index] = f"{key}={pending.pop(key)}"
    lines.extend(f"{key}={value}" for key, value in pending.items())
    with open(path, "w") as file:
        file.write("\n".join(lines) + "\n")

settings = {name[len(PREFIX):]: value for name, value in os.environ.items() if name.startswith(PREFIX)}
for path in sys.argv[1:]:
    apply(path, settings)
