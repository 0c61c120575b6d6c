"""Validate data/trials.yaml against its schema and the bibliography, without a build.

usage: python tools/check_evidence.py [DATA] [BIB]
exit status: 0 when every row is valid, 1 otherwise (each problem printed as file:line: message).
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handbook_sphinx.evidence import load_trials  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=ROOT / "data" / "trials.yaml", type=Path)
    parser.add_argument("bib", nargs="?", default=ROOT / "data" / "references.bib", type=Path)
    args = parser.parse_args()
    from pybtex.database import parse_file

    keys = set(parse_file(str(args.bib)).entries)
    trials, errors = load_trials(args.data, keys)
    for error in errors:
        print(f"{args.data}:{error.line}: {error}")
    if not errors:
        print(f"{args.data}: {len(trials)} trial results, all valid")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
