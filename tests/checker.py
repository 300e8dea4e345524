"""The Nu Html Checker (npm's vnu-jar, run by Debian's Java), as the tests run it."""

import subprocess

from conftest import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# A run checks a few hundred pages at most: Java's quick compiler alone (C1) starts and finishes it in
# half the time and a third of the processor time of the default two, which also compile for the long
# run. With C1 the checker's schema needs a larger thread stack than the default 512 KB.
JAVA = ["java", "-XX:TieredStopAtLevel=1", "-Xss4m", "-jar"]


def nu_check(*paths, skip_non_html: bool = False) -> subprocess.CompletedProcess:
    """Check the pages (files, or folders of them) in one run, errors only, one line each (gnu format)."""
    assert VNU.is_file(), "run `make test` (it installs the checker with npm)"
    return subprocess.run([*JAVA, str(VNU), "--errors-only", *(["--skip-non-html"] if skip_non_html else []),
                           "--format", "gnu", *map(str, paths)], capture_output=True, text=True)
