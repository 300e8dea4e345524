"""Pelican's processes, started from one that has already imported it.

Every build runs Pelican in a process of its own: whatever a build does to
its interpreter (signals connected, caches filled, modules patched, memory
it keeps) ends with it, and a build that is killed cannot take its caller
with it. Starting Python and importing Pelican and the plugins costs about
0.4 s of CPU for each build, though, and a process that asks for many builds
(the test suite's workers: about 130 builds a run) would pay it each time.

So the first build of a process starts a warm process: a Python that imports
Pelican and the settings' plugins once, then forks a copy of itself for each
build, which runs Pelican's command line (`pelican.main`) and exits. The
copy starts with nothing of any earlier build: the warm process never builds.
It gets the build's command line, environment and working folder, and the
file descriptors the build must hold (the output's lock, so that Pelican
keeps holding it if the caller is killed; its log, where its standard
output and error go), over a Unix socket. The warm process ends when its
caller does (the socket closes) and is in its caller's process group, so a
signal to the group reaches every build.

What is fixed when the warm process starts: Python's string hashing
(PYTHONHASHSEED, always 0 for a build: see site_build.pelican_environment),
the console's width (COLUMNS) and the code of the modules it imported. A
long-running caller therefore builds with the plugins as they were when it
started, as `invoke serve` does.
"""

import atexit
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import traceback

# The largest request (command line and environment) and the most file descriptors one carries.
REQUEST_LIMIT = 1 << 20
MAX_FDS = 8


class PelicanProcesses:
    """The warm process of this process, started at the first build."""

    def __init__(self):
        self._process = None
        self._socket = None

    def run(self, argv: list[str], env: dict, pass_fds=(), preload=()) -> tuple[int, str]:
        """Run `pelican argv` in a fresh copy of the warm process, with `env` as its environment and
        holding `pass_fds`; return its exit status and everything it wrote (standard output and error)."""
        self.start(env, preload)
        with tempfile.TemporaryFile() as log:
            request = json.dumps({"argv": argv, "env": env, "cwd": os.getcwd()}).encode()
            try:
                socket.send_fds(self._socket, [request], [log.fileno(), *pass_fds])
                answer = self._socket.recv(64)
            except OSError:
                answer = b""
            if not answer:  # the warm process died (killed, out of memory): the next build starts another
                self.stop()
                return 1, "Pelican's process ended before the build did.\n"
            log.seek(0)
            return int(answer), log.read().decode("utf-8", "replace")

    def start(self, env: dict, preload=()) -> None:
        """Start the warm process, if it is not running, in `env`, importing the plugins named in `preload`."""
        if self._process is not None and self._process.poll() is None:
            return
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with theirs:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "site_build.pelican_process", str(theirs.fileno()), *preload],
                pass_fds=(theirs.fileno(),), env=env,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._socket = ours

    @property
    def started(self) -> bool:
        return self._process is not None

    def stop(self) -> None:
        """End the warm process (it ends on its own when this process does)."""
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        if self._process is not None:
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None


PELICAN = PelicanProcesses()
atexit.register(PELICAN.stop)


# --- The warm process ---------------------------------------------------------------------------------

def _preload(names) -> None:
    """Import Pelican and each plugin as Pelican will name it (pelican.plugins.<name> or <name>)."""
    import importlib

    importlib.import_module("pelican")
    for name in names:
        for module in (f"pelican.plugins.{name}", name):
            try:
                importlib.import_module(module)
                break
            except Exception:  # noqa: BLE001 - the build itself reports a plugin that cannot load
                continue


def serve(channel: socket.socket) -> None:
    """Fork a build for each request until the caller closes the channel."""
    while True:
        try:
            request, fds, _, _ = socket.recv_fds(channel, REQUEST_LIMIT, MAX_FDS)
        except (OSError, KeyboardInterrupt):
            return
        if not request:
            return
        pid = os.fork()
        if pid == 0:
            channel.close()
            _build(json.loads(request), fds)  # never returns
        for fd in fds:
            os.close(fd)
        _, status = os.waitpid(pid, 0)
        try:
            channel.send(str(os.waitstatus_to_exitcode(status)).encode())
        except OSError:
            return


def _build(request: dict, fds: list[int]) -> None:
    """In the forked copy: run Pelican's command line as `python -m pelican` would, then exit."""
    log, *_held = fds  # the others (the output's lock) stay open until the build exits
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    status = 1
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()  # TZ as the build's environment has it
        sys.argv = ["pelican", *request["argv"]]
        from pelican import main

        main(request["argv"])
        status = 0
    except SystemExit as exit:
        status = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
    except BaseException:  # noqa: BLE001 - as Python reports an uncaught error
        traceback.print_exc()
    finally:
        try:
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)


if __name__ == "__main__":
    _preload(sys.argv[2:])
    serve(socket.socket(fileno=int(sys.argv[1])))
