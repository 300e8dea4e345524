"""Test tiers, given to every test by conftest from what its code reaches (no test is marked by hand
unless the code cannot show it), and checked while it runs:

- unit: in the test process only, no other program, no build, no browser;
- tool: runs another program (Java's Nu Html Checker, node, git, make, invoke, a Python of its own),
  but builds no site and opens no browser;
- build: builds a site with Pelican (or uses a session site: `site`, `published`, `unzipped_bundle`);
- browser: drives Chromium (the `browser` fixture).

A test's tier is the last of these its code reaches: the test function, the fixtures it uses and,
from them, every function and class of tests/ and benchmarks/ they name (a plugin function that builds
or starts a program is named in BUILD_NAMES or PROGRAM_FUNCTIONS). A test that starts a program its tier does
not allow fails (see `Watch`), so `pytest -m unit` never runs a build by mistake.

Under pytest-xdist (tasks.py runs `--dist loadfile`: each module on one worker, so that a module's
fixtures are made once and tests that edit one after the other keep their order), the modules of most
weight start first (`longest_modules_first`), and tests sharing a module-scoped fixture are marked as
one xdist group (`groups`) for `--dist loadgroup`.
"""

import dis
import functools
import inspect
import re
import subprocess
import types
from pathlib import Path

TIERS = ("unit", "tool", "build", "browser")
TESTS = Path(__file__).resolve().parent
FOLLOWED = (TESTS, TESTS.parent / "benchmarks")

BROWSER_FIXTURES = {"browser"}
BUILD_FIXTURES = {"site", "published", "unzipped_bundle"}
# What starts a build: the helpers of conftest and the plugins' entry points.
BUILD_NAMES = {"run_build", "request_for", "build_command", "BuildRequest", "build_digests", "bundle",
               "preview_command", "pelican_arguments", "PELICAN", "PelicanProcesses"}
# Python text that builds: `python -m pelican`, a program importing Pelican or site_build.
BUILD_TEXT = re.compile(r"^-m pelican$|\bimport Pelican\b|\bfrom site_build import\b|\bimport site_build\b")
PROGRAM_NAMES = {"subprocess", "Popen", "system", "execv", "execve", "spawnv",
                 # Plugin functions that run a program: git (translation_status), Pagefind (search_index).
                 "translation_report", "last_changes", "index_site"}


def _own(obj) -> bool:
    """A function or class of the tests or the benchmarks, whose code the classification follows: not the
    plugins' (each test of a plugin function would reach most of the build), nor Python's or a package's."""
    try:
        source = inspect.getsourcefile(obj)
    except TypeError:
        return False
    return bool(source) and any(folder in Path(source).resolve().parents for folder in FOLLOWED)


def _codes(obj):
    if isinstance(obj, functools.partial):
        obj = obj.func
    # A Hypothesis test: the function it calls with each example.
    obj = getattr(getattr(obj, "hypothesis", None), "inner_test", obj)
    obj = inspect.unwrap(obj) if callable(obj) else obj
    if isinstance(obj, type):
        for value in vars(obj).values():
            if isinstance(value, (staticmethod, classmethod)):
                value = value.__func__
            if isinstance(value, property):
                value = value.fget
            if isinstance(value, types.FunctionType):
                yield value.__code__, value.__globals__
    elif isinstance(obj, types.FunctionType):
        yield obj.__code__, obj.__globals__


@functools.lru_cache(maxsize=None)
def _facts(code, namespace_id):
    """(names, texts, objects) of one code object and the code nested in it: its names, its string
    constants and the texts it loads, and the project's functions and classes it loads."""
    namespace = _NAMESPACES[namespace_id]
    names, texts, objects = set(), set(), []
    stack = [code]
    while stack:
        code = stack.pop()
        names.update(code.co_names)
        strings = {const for const in code.co_consts if isinstance(const, str)}
        texts |= strings
        if {"-m", "pelican"} <= strings:
            texts.add("-m pelican")  # a command line [python, "-m", "pelican", …]
        stack.extend(const for const in code.co_consts if isinstance(const, types.CodeType))
        for instruction in dis.get_instructions(code):
            if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME"):
                value = namespace.get(instruction.argval)
                if callable(value) and hasattr(value, "__wrapped__"):
                    value = inspect.unwrap(value)  # functools.lru_cache and other decorators
                if isinstance(value, str):
                    texts.add(value)
                elif isinstance(value, (type, types.FunctionType, functools.partial)) and _own(value):
                    objects.append(value)
    return frozenset(names), frozenset(texts), tuple(objects)


_NAMESPACES = {}


def reached(*objects) -> tuple[set, set]:
    """(names, texts): the global and attribute names, and the string constants, of the code of
    `objects` and of every function and class of the project it names, recursively."""
    names, texts, seen, stack = set(), set(), set(), list(objects)
    while stack:
        for code, namespace in _codes(stack.pop()):
            if code in seen:
                continue
            seen.add(code)
            _NAMESPACES[id(namespace)] = namespace
            more_names, more_texts, more = _facts(code, id(namespace))
            names |= more_names
            texts |= more_texts
            stack.extend(more)
    return names, texts


def _reached_by(item, scopes=None):
    """What the test function and its fixtures of the project reach (those of `scopes` only, if given)."""
    return reached(item.function, *(definition.func for name in item.fixturenames
                                    for definition in item._fixtureinfo.name2fixturedefs.get(name, ())
                                    if _own(definition.func) and (scopes is None or definition.scope in scopes)))


def _builds(names, texts) -> bool:
    return bool(names & BUILD_NAMES) or any(BUILD_TEXT.search(text) for text in texts)


def tier_of(item) -> str:
    explicit = [mark.name for mark in item.iter_markers() if mark.name in TIERS]
    if explicit:
        return max(explicit, key=TIERS.index)
    fixtures = set(item.fixturenames)
    if fixtures & BROWSER_FIXTURES:
        return "browser"
    if fixtures & BUILD_FIXTURES:
        return "build"
    names, texts = _reached_by(item)
    if _builds(names, texts):
        return "build"
    if names & PROGRAM_NAMES:
        return "tool"
    return "unit"


def weight(item) -> float:
    """About how long a test takes, in builds: so that pytest-xdist starts the longest modules first."""
    if item.tier == "build":
        return 2 if _builds(*_reached_by(item, scopes=("function",))) else 0.1  # its own build(s), or a session site
    return {"unit": 0.01, "tool": 0.5, "browser": 1}[item.tier]


def longest_modules_first(items) -> list:
    """`items` with the modules of most weight first, each module's tests in their order."""
    modules = {}
    for item in items:
        modules.setdefault(item.module.__name__, []).append(item)
    order = sorted(modules.values(), key=lambda tests: -sum(map(weight, tests)))
    return [item for tests in order for item in tests]


def groups(items) -> dict:
    """{item: group name} for the tests that share a module- or class-scoped fixture of tests/, joined
    into one group per module for every fixture they share (directly or through another test)."""
    parent = {}

    def find(key):
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for item in items:
        shared = [(item.module.__name__, name) for name in item.fixturenames
                  for definition in item._fixtureinfo.name2fixturedefs.get(name, ())[-1:]
                  if definition.scope in ("module", "class", "package") and _own(definition.func)]
        for key in shared:
            parent[find(key)] = find(shared[0])
        item._shared_fixtures = shared
    found = {}
    for item in items:
        if item._shared_fixtures:
            module, name = find(item._shared_fixtures[0])
            found[item] = f"{module}::{name}"
    return found


def starts_a_build(args) -> bool:
    """Whether a command line starts a build (Pelican, site_build, an invoke task that builds)."""
    words = [str(arg) for arg in (args if isinstance(args, (list, tuple)) else [args])]
    if any(BUILD_TEXT.search(word) or word.endswith("/pelican") for word in words):
        return True
    return ("invoke" in words and "--help" not in words
            and bool({"build", "publish", "preview", "bundle", "digest", "editor"} & set(words)))


class Watch:
    """While a test runs: every program it starts (subprocess.Popen), checked against its tier."""

    def __init__(self, tier: str):
        self.tier, self.started = tier, []

    def __enter__(self):
        watch, original = self, subprocess.Popen

        class Watched(original):
            def __init__(self, args, *rest, **options):
                watch.started.append(args)
                super().__init__(args, *rest, **options)

        self.original = original
        subprocess.Popen = Watched
        return self

    def __exit__(self, *exc):
        subprocess.Popen = self.original

    def problem(self) -> str | None:
        if self.tier == "unit" and self.started:
            return f"a unit test started {self.started[0]!r}: it belongs in the tool tier or above (tests/tiers.py)"
        if self.tier == "tool":
            builds = [args for args in self.started if starts_a_build(args)]
            if builds:
                return f"a tool test started the build {builds[0]!r}: it belongs in the build tier (tests/tiers.py)"
        return None
