#!/usr/bin/env python3
"""What a user would write instead of git-incident: bugspots-style hotspots with PyDriller.

Walks every commit (PyDriller computes each commit's diff against its parent), takes those
whose message matches a fix pattern, and scores each touched file with Google's recency
weight 1/(1+e^(-12t+12)). Used by benches/run.sh for the comparison in docs/performance.md.

Usage: benches/pydriller_hotspots.py REPO [LIMIT]   (pip install pydriller)

The fix pattern and the subject-only match mirror git-incident's defaults, so both rank the
same evidence.
"""
import math
import re
import sys
from collections import defaultdict

from pydriller import Repository

FIX = re.compile(r"\b(fix(e[sd]|ing)?|bug ?fix(es)?|hot ?fix(es)?|bugs?|regression|crash(es|ed)?|panic(s|ked)?)\b", re.I)


def main(path, limit=20):
    fixes = []
    first = last = None
    for commit in Repository(path, only_no_merge=True).traverse_commits():
        when = commit.committer_date.timestamp()
        first = when if first is None else min(first, when)
        last = when if last is None else max(last, when)
        if FIX.search(commit.msg.split("\n", 1)[0]):
            fixes.append((when, [m.new_path or m.old_path for m in commit.modified_files]))
    span = max((last or 0) - (first or 0), 1)
    scores = defaultdict(float)
    for when, paths in fixes:
        t = (when - first) / span
        for p in paths:
            if not p:
                continue
            scores[p] += 1 / (1 + math.exp(-12 * t + 12))
    for path, score in sorted(scores.items(), key=lambda kv: -kv[1])[:limit]:
        print(f"{score:.3f} {path}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20)
