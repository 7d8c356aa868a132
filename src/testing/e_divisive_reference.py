"""Change points by MongoDB's E-Divisive means (signal-processing-algorithms), for the history's cross-check.

Reads {"series": [[...], ...], "pvalue": p, "permutations": r} on stdin, writes [[indices...], ...] on stdout.
"""
import json
import sys

import numpy as np
from signal_processing_algorithms.energy_statistics.energy_statistics import e_divisive

request = json.load(sys.stdin)
np.random.seed(1)
answers = [sorted(int(index) for index in e_divisive(series, pvalue=request["pvalue"], permutations=request["permutations"])) for series in request["series"]]
json.dump(answers, sys.stdout)
