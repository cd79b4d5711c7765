#!/usr/bin/env python3
"""What a user would write instead of `git incident hotspots`: a bugspots-style ranking of
files by recency-weighted fix commits, with PyDriller (pip install pydriller).

usage: pydriller_hotspots.py REPO [LIMIT]

Measured by benches/compare.sh next to `git log` and `git incident hotspots` in the same run.
"""
import math
import re
import sys

from pydriller import Repository

FIX = re.compile(r"\b(fix(e[sd]|ing)?|bug ?fix(es)?|hot ?fix(es)?|bugs?|regression)\b", re.I)


def main():
    repo = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    fixes = []  # (time, [paths])
    first = last = None
    for commit in Repository(repo, only_no_merge=True).traverse_commits():
        t = commit.committer_date.timestamp()
        first = t if first is None else min(first, t)
        last = t if last is None else max(last, t)
        if FIX.search(commit.msg):
            fixes.append((t, [m.new_path or m.old_path for m in commit.modified_files]))
    span = (last - first) or 1.0
    scores = {}
    for t, paths in fixes:
        w = 1.0 / (1.0 + math.exp(-12.0 * ((t - first) / span) + 12.0))
        for p in paths:
            if p:
                scores[p] = scores.get(p, 0.0) + w
    for path, score in sorted(scores.items(), key=lambda kv: -kv[1])[:limit]:
        print(f"{score:8.3f}  {path}")


if __name__ == "__main__":
    main()
