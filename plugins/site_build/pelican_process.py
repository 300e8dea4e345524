"""The process each build runs Pelican in: a fresh fork of a warm process.

A build runs Pelican in a process of its own, so that whatever it does to
its interpreter (signals connected, caches filled, memory kept) ends with it.
Starting Python and importing Pelican and the plugins costs about 0.4 s of
CPU, which a process asking for many builds (a test worker: about 130 a run)
would pay at each one. So a process's first build starts a warm process that
imports them once and never builds: for each build it forks a copy, which
gets the command line, environment and working folder, and the files the
build must hold (the output's lock, kept if the caller is killed; the log,
its standard output and error) over a Unix socket; runs `pelican.main`; and
exits. The warm process ends with its caller (the socket closes) and is in
its process group. Fixed when it starts: string hashing (PYTHONHASHSEED, 0
for every build), the console's width and the code of what it imported.
"""

import atexit
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import traceback


class PelicanProcesses:
    """The warm process of this process, started at the first build."""

    def __init__(self):
        self._process = self._socket = None

    def start(self, env: dict, preload=()) -> None:
        """Start the warm process, if it is not running, in `env`, importing the plugins named in `preload`."""
        if self._process is not None and self._process.poll() is None:
            return
        self._socket, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with theirs:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "site_build.pelican_process", str(theirs.fileno()), *preload],
                pass_fds=(theirs.fileno(),), env=env,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def run(self, argv: list[str], env: dict, pass_fds=(), preload=()) -> tuple[int, str]:
        """Run `pelican argv` in a new copy of the warm process, with `env` as its environment and
        holding `pass_fds`; its exit status and everything it wrote (standard output and error)."""
        self.start(env, preload)
        with tempfile.TemporaryFile() as log:
            request = json.dumps({"argv": argv, "env": env, "cwd": os.getcwd()}).encode()
            answer = b""
            with contextlib.suppress(OSError):  # the warm process died: answered below
                socket.send_fds(self._socket, [request], [log.fileno(), *pass_fds])
                answer = self._socket.recv(64)
            if not answer:  # the warm process died (killed, out of memory): the next build starts another
                self.stop()
                return 1, "Pelican's process ended before the build did.\n"
            log.seek(0)
            return int(answer), log.read().decode("utf-8", "replace")

    def stop(self) -> None:
        """End the warm process (it builds nothing between two requests; a build under way goes on alone)."""
        if self._socket is not None:
            self._socket.close()
        if self._process is not None:
            self._process.kill()
            self._process.wait()
        self._process = self._socket = None


PELICAN = PelicanProcesses()
atexit.register(PELICAN.stop)


def serve(channel: socket.socket) -> None:
    """In the warm process: fork a build for each request until the caller closes the channel."""
    while True:
        try:
            request, fds, _, _ = socket.recv_fds(channel, 1 << 20, 8)
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
        status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        try:
            channel.send(str(status).encode())
        except OSError:
            return


def _build(request: dict, fds: list[int]) -> None:
    """In the forked copy: run Pelican's command line as `python -m pelican` would, then exit."""
    log, *_held = fds  # the others (the output's lock) stay open until the build exits
    os.dup2(log, 1)
    os.dup2(log, 2)
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
    import importlib

    # Pelican, and each plugin as Pelican may name it; a plugin that cannot load is the build's to report.
    for module in ["pelican", *(f"pelican.plugins.{name}" for name in sys.argv[2:]), *sys.argv[2:]]:
        with contextlib.suppress(Exception):
            importlib.import_module(module)
    serve(socket.socket(fileno=int(sys.argv[1])))
