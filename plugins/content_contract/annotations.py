"""The content check's problems where a writer sees them: on the file and line.

Continuous integration shows a problem beside the line that causes it: GitHub
reads `::error file=…,line=…::message` lines from a job's output, GitLab a
Code Quality report (JSON). Each problem line of the check names its file and
field; the line is found here, in the file itself.
"""

import hashlib
import json
import os
import re

QUOTED = re.compile(r"'([^']+)'")
YAML_LINE = re.compile(r"\(lines? (?:\d+ and )?(\d+)\)")


def split_problem(problem: str) -> tuple[str, str, str]:
    """(file, field, what is wrong) of one problem line."""
    path, _, rest = problem.partition(": ")
    field, _, message = rest.partition(": ")
    return path, field, message


def problem_line(problem: str, base: str) -> int:
    """The line of the file that `problem` is about (1 for the file as a whole)."""
    path, field, message = split_problem(problem)
    if numbered := YAML_LINE.search(message):
        return int(numbered.group(1))
    try:
        with open(os.path.join(base, path), encoding="utf-8") as source:
            lines = source.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    if field == "body":
        target = QUOTED.search(message)
        for number, text in enumerate(lines, 1):
            if target and target.group(1) in text:
                return number
        return 1
    key = re.compile(rf"^\s*{re.escape(field)}\s*:")
    for number, text in enumerate(lines, 1):
        if number > 1 and text.strip() in ("---", "..."):
            break  # the end of the front-matter
        if key.match(text):
            return number
    return 1


def _escape(text: str, properties: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if properties else text


def github_annotations(problems, base: str) -> list[str]:
    """GitHub Actions workflow commands: one error annotation per problem."""
    lines = []
    for problem in problems:
        path, field, message = split_problem(problem)
        lines.append(f"::error file={_escape(path, True)},line={problem_line(problem, base)},"
                     f"title={_escape(field, True)}::{_escape(f'{field}: {message}')}")
    return lines


def code_quality_report(problems, base: str) -> str:
    """A GitLab Code Quality report: a JSON list of issues with path and line."""
    issues = []
    for problem in problems:
        path, field, message = split_problem(problem)
        issues.append({
            "description": f"{field}: {message}",
            "check_name": f"content-contract/{field}",
            "fingerprint": hashlib.sha256(problem.encode("utf-8")).hexdigest(),
            "severity": "major",
            "location": {"path": path, "lines": {"begin": problem_line(problem, base)}},
        })
    return json.dumps(issues, ensure_ascii=False, indent=2)
