"""Everyday tasks: `invoke --list`. Each one calls Pelican or a plugin function."""

import datetime
import os
import shutil
import subprocess
import sys

from invoke import task

from content_contract import check_content, code_quality_report, github_annotations
from editor import local_backend
from pelican.settings import read_settings
from scaffold import ScaffoldError, new_piece
from digest import build_digests
from offline_copy import bundle as bundle_site
from site_build import BuildRequest, preview_command
from site_rules import languages
from translation_status import changed_pieces_only, format_report, translation_report
from ui_catalogs import update_catalogs

OUTPUT = "output"


def _run(request: BuildRequest) -> None:
    status = request.run()
    if status:
        sys.exit(status)


@task(help={"verbose": "show Pelican's progress: every file written or reused"})
def build(c, output=OUTPUT, verbose=False):
    """Build the preview site into output/ (replaced only if the build succeeds).

    Prints one line: what each language published ("en: 5 updates, 5 events, …").
    """
    _run(BuildRequest(output, verbose=verbose))


@task(help={"format": "text (default); github: workflow annotations on stdout; gitlab: a Code Quality report (JSON)"})
def check(c, content="content", format="text"):
    """Check every content file against the contract, without building."""
    settings = read_settings("pelicanconf.py", override={"PATH": os.path.abspath(content)})
    problems = check_content(settings)
    base = os.path.dirname(os.path.abspath(content))
    if format == "github":
        print("\n".join(github_annotations(problems, base)))
    elif format == "gitlab":
        print(code_quality_report(problems, base))
    if problems:
        sys.exit("\n".join(problems))
    if format == "text":
        print("All content files follow the contract.")


@task(positional=["kind", "title"], help={
    "kind": "update, event, page or prisoner; or translation",
    "title": "the title (a prisoner's name); for a translation, the original's path",
    "lang": "language of the new file (en, fa, es)",
    "slug": "ASCII slug; needed when the title is in Persian script",
})
def new(c, kind=None, title=None, lang="en", slug=None):
    """Start a piece: `invoke new update "Title"`; translate one: `invoke new translation PATH --lang fa`."""
    try:
        if kind == "translation":
            path = new_piece(kind, translate_from=title, lang=lang)
        else:
            path = new_piece(kind, title, lang=lang, slug=slug)
    except ScaffoldError as error:
        sys.exit(str(error))
    print(path)


@task(help={"format": "table (default) or markdown",
            "changed": "a file listing changed paths (git diff --name-only): report only the pieces they belong to"})
def translations(c, format="table", changed=None):
    """List missing and stale translations, and untranslated UI strings, per language."""
    settings = read_settings("pelicanconf.py")
    rows = translation_report(settings)
    if changed:
        with open(changed, encoding="utf-8") as listing:
            rows = changed_pieces_only(rows, listing.read().splitlines())
    print(format_report(rows, format))


@task
def serve(c, port=8000):
    """Preview on http://localhost:PORT, rebuilding on every save."""
    command, env = preview_command(BuildRequest(OUTPUT), port=port)
    os.execve(command[0], command, env)


@task
def publish(c, output=OUTPUT):
    """Build the public site (publishconf.py) and deploy it where the environment says.

    IEC_RSYNC_TARGET (user@host:/path) deploys with rsync; IEC_PUBLISH_BRANCH
    (e.g. gh-pages) commits the site to that branch with ghp-import and pushes
    it to IEC_PUBLISH_REMOTE (default origin). Nothing is deployed unless
    this very build succeeded.
    """
    _run(BuildRequest(output, "publishconf.py"))
    target = os.environ.get("IEC_RSYNC_TARGET")
    if target:
        c.run(f"rsync --archive --delete --compress {output}/ {target}")
    branch = os.environ.get("IEC_PUBLISH_BRANCH")
    if branch:
        remote = os.environ.get("IEC_PUBLISH_REMOTE", "origin")
        c.run(f"{sys.executable} -m ghp_import --no-jekyll --push --force --branch {branch} "
              f"--remote {remote} --message 'Publish site' {output}")


@task(help={"number": "the pull or merge request's number", "output": "folder to build into"})
def preview(c, number, output="output-preview"):
    """Build a pull-request preview: the public build under $SITEURL/previews/pr-N, kept out of search engines."""
    base = os.environ.get("SITEURL", "https://free-iran-prisoners.example").rstrip("/")
    address = f"{base}/previews/pr-{int(number)}"
    _run(BuildRequest(output, "publishconf.py", settings={"NOINDEX": True}, env={"SITEURL": address}))
    print(address)


@task(help={"port": "the editor's port (default 8000)", "backend_port": "decap-server's port (default 8081)",
            "commit": "commit each save with git"})
def editor(c, port=8000, backend_port=8081, commit=False):
    """Write in the browser on this computer: the web editor at http://127.0.0.1:PORT/admin/index.html saves into content/."""
    backend_url = f"http://127.0.0.1:{backend_port}/api/v1"
    _run(BuildRequest(OUTPUT, settings={"EDITOR": True, "EDITOR_LOCAL_BACKEND": backend_url}))
    command, env = local_backend(os.getcwd(), backend_port, commit=commit)
    backend = subprocess.Popen(command, env=env)
    print(f"Open http://127.0.0.1:{port}/admin/index.html and choose Login; Ctrl+C stops the editor.")
    try:
        c.run(f"{sys.executable} -m http.server --bind 127.0.0.1 --directory {OUTPUT} {int(port)}", pty=False)
    finally:
        backend.terminate()


@task
def bundle(c, directory="."):
    """Write iec-site-<date>.zip: the whole site, readable offline from any folder.

    Pages link relatively; share links, feeds and calendars name the public
    site: SITEURL when it is set, else publishconf.py's address.
    """
    status, path = bundle_site(BuildRequest(), directory)
    if status:
        sys.exit(status)
    print(path)


@task(help={
    "since": "first day (YYYY-MM-DD); default: the day after the last digest in digests/",
    "until": "last day (YYYY-MM-DD); default: today",
    "lang": "one language (en, fa, es); default: all",
})
def digest(c, since=None, until=None, lang=None):
    """Write the email digest (HTML and plain text) per language into digests/<until>/."""
    day = datetime.date.fromisoformat
    status, files = build_digests(BuildRequest(settings_file="publishconf.py"), "digests", [lang] if lang else None,
                                  since=since and day(since), until=until and day(until))
    if status:
        sys.exit(status)
    print("\n".join(files))


@task(help={"updates": "updates per language (default 1000)", "runs": "runs per scenario (default 3)"})
def bench(c, updates=1000, runs=3):
    """Time this project's build against stock Pelican + i18n_subsites on a synthetic corpus."""
    from benchmarks.bench import run

    print(run(updates, runs))


@task
def clean(c):
    """Remove built output and caches."""
    for path in (OUTPUT, "cache", "__pycache__"):
        shutil.rmtree(path, ignore_errors=True)


@task
def catalogs(c):
    """Extract UI strings from the templates and merge them into every catalog."""
    update_catalogs("theme", languages(read_settings("pelicanconf.py"))[1:])


@task
def test(c):
    """Run the whole test suite."""
    c.run(f"{sys.executable} -m pytest -n auto --dist loadfile --no-loadscope-reorder", pty=False)  # every core; tests/tiers.py
