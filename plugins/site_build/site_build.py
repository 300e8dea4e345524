"""Run a strict Pelican build that replaces the output folder only on success.

Pelican writes straight into OUTPUT_PATH, so a failed build would leave a
half-written site behind. Here Pelican writes into a fresh folder beside
the target, and that folder takes the target's place only when Pelican
exited cleanly; otherwise the previous site stays as it was.
"""

import os
import shutil
import subprocess
import sys
import tempfile


def build(settings_file: str, output: str, content: str = "content", *, extra_args=()) -> int:
    """Build `content` with `settings_file` into `output`; return Pelican's exit status."""
    output = os.path.abspath(output)
    parent = os.path.dirname(output)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(output)}-building-", dir=parent)
    command = [
        sys.executable, "-m", "pelican", content,
        "--settings", settings_file,
        "--output", staging,
        "--fatal", "warnings",
        "--log-handler", "plain",
        *extra_args,
    ]
    try:
        status = subprocess.run(command, check=False).returncode
        if status == 0:
            _replace(staging, output)
        return status
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _replace(new: str, target: str) -> None:
    """Put `new` in place of `target`; the old tree is removed only afterwards."""
    os.chmod(new, 0o755)  # mkdtemp makes it private; a web server must read it
    if not os.path.exists(target):
        os.rename(new, target)
        return
    retired = tempfile.mkdtemp(prefix=f".{os.path.basename(target)}-old-", dir=os.path.dirname(target))
    os.rmdir(retired)
    os.rename(target, retired)
    os.rename(new, target)
    shutil.rmtree(retired, ignore_errors=True)
