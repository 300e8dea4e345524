"""Settings for the public site: pelicanconf.py plus what publishing changes.

The public address comes from the SITEURL environment variable so that one
build recipe serves the main host, mirrors and sub-paths alike.
"""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SITEURL", "https://free-iran-prisoners.example").rstrip("/")
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
