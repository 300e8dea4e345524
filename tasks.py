"""Everyday tasks: `invoke --list`. Each one calls Pelican or a plugin function."""

import os
import shutil
import sys

from invoke import task

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugins"))

from site_build import build as build_site  # noqa: E402
from ui_catalogs import update_catalogs  # noqa: E402

OUTPUT = "output"
SUBSITE_LANGS = ("fa", "es")


@task
def build(c, output=OUTPUT):
    """Build the preview site into output/ (replaced only if the build succeeds)."""
    status = build_site("pelicanconf.py", output)
    if status:
        sys.exit(status)


@task
def serve(c, port=8000):
    """Preview on http://localhost:PORT, rebuilding on every save."""
    c.run(f"{sys.executable} -m pelican content -s pelicanconf.py -o {OUTPUT} "
          f"--autoreload --listen --port {port}", pty=False)


@task
def publish(c, output=OUTPUT):
    """Build the public site (publishconf.py); rsync it when IEC_RSYNC_TARGET is set."""
    status = build_site("publishconf.py", output)
    if status:
        sys.exit(status)
    target = os.environ.get("IEC_RSYNC_TARGET")
    if target:
        c.run(f"rsync --archive --delete --compress {output}/ {target}")


@task
def clean(c):
    """Remove built output and caches."""
    for path in (OUTPUT, "cache", "__pycache__"):
        shutil.rmtree(path, ignore_errors=True)


@task
def catalogs(c):
    """Extract UI strings from the templates and merge them into every catalog."""
    update_catalogs("theme", SUBSITE_LANGS)


@task
def test(c):
    """Run the whole test suite."""
    c.run(f"{sys.executable} -m pytest", pty=False)
