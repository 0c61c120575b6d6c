"""Print pyproject.toml's pinned dependencies (runtime and dev) as a requirements list.

The project is a set of documents, not an installable package, so the
virtual environment gets the pins and nothing else.

usage: python tools/requirements.py pyproject.toml > requirements.txt
"""

import argparse
import tomllib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pyproject")
    args = parser.parse_args()
    with open(args.pyproject, "rb") as handle:
        project = tomllib.load(handle)["project"]
    for requirement in project["dependencies"] + project["optional-dependencies"]["dev"]:
        print(requirement)


if __name__ == "__main__":
    main()
