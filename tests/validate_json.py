#!/usr/bin/python3
"""Validates JSON documents against a JSON Schema (draft 2020-12).

usage: validate_json.py SCHEMA FILE...   each FILE is JSON lines (one document a line) or one
document. Prints every violation with its file, line and JSON path; exits 1 if any.
"""
import json
import sys

import jsonschema


def documents(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        yield 1, json.loads(text)
        return
    except json.JSONDecodeError:
        pass
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield number, json.loads(line)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failures = 0
    checked = 0
    for path in sys.argv[2:]:
        for number, doc in documents(path):
            checked += 1
            for error in validator.iter_errors(doc):
                failures += 1
                where = "/".join(str(p) for p in error.absolute_path) or "(root)"
                print(f"{path}:{number}: {where}: {error.message}")
    print(f"{checked} documents checked, {failures} violations")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
