"""`invoke bundle`: the whole site in one zip, readable offline from any folder."""

import dataclasses
import datetime
import os
import shutil
import tempfile
import zipfile

from site_build import BuildRequest, environment

# What only a web host can use: header rules.
HOST_ONLY = {"_headers"}


def public_address(settings_file: str) -> str | None:
    """The public site's address, as `invoke publish` builds it: publishconf.py
    beside `settings_file` reads SITEURL from the environment, and has a
    default of its own. Without a publishconf.py, SITEURL or None."""
    import runpy

    publishconf = os.path.join(os.path.dirname(os.path.abspath(settings_file)), "publishconf.py")
    if os.path.isfile(publishconf):
        return runpy.run_path(publishconf).get("SITEURL") or None
    return os.environ.get("SITEURL", "").rstrip("/") or None


def bundle(request: BuildRequest, directory: str, *, day: datetime.date | None = None) -> tuple[int, str]:
    """Build the site and zip it as <directory>/iec-site-<date>.zip for offline reading.

    The preview build links every page relatively and by file name, so the
    unzipped folder works from a USB stick or a phone's file manager. What
    must be absolute (share links, link previews, feeds, calendars, the
    sitemap) names the public site (public_address), never the preview's
    localhost: a link shared from the copy leads to the site, and its feeds
    are the site's own. `request` gives everything but the output folder.
    Returns (status, path of the zip).
    """
    name = f"iec-site-{(day or datetime.date.today()).isoformat()}"
    target = os.path.join(directory, f"{name}.zip")
    with tempfile.TemporaryDirectory() as work:
        site = os.path.join(work, name)
        # No search index: browsers do not fetch it from files.
        settings = {"SEARCH_INDEX": False}
        with environment(request.env):
            public = public_address(request.settings_file)
        if public:
            settings["SITEURL"] = public
        status = dataclasses.replace(request.with_settings(**settings), output=site, reuse=False).run()
        if status:
            return status, target
        partial = os.path.join(work, f"{name}.zip")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for folder, _, files in sorted(os.walk(site)):
                for file_name in sorted(files):
                    if file_name in HOST_ONLY:
                        continue
                    path = os.path.join(folder, file_name)
                    archive.write(path, os.path.join(name, os.path.relpath(path, site)))
        os.makedirs(directory, exist_ok=True)
        shutil.move(partial, target)
    return 0, target
