"""Digests of files, folders and values, and the records of a build: what
site_build checks before it starts Pelican, so none of it imports Pelican
(fingerprints adds the digests of Pelican's objects and pages).

A digest is equal between two builds exactly when its inputs are equal, so
it must never include a memory address, a temporary path or anything that
changes from run to run without changing the output.
"""

import datetime
import hashlib
import json
import os
import stat
import sys
import time
from typing import NamedTuple

from site_caches import in_memory

# Settings that say where a build writes or what it may cache: they change
# between runs (a fresh staging folder each time) without changing a page.
PLACE_SETTINGS = frozenset({
    "OUTPUT_PATH", "PREVIOUS_OUTPUT_PATH", "PREVIOUS_OUTPUT_INTACT", "DELETE_OUTPUT_DIRECTORY",
    "CACHE_PATH", "TEMPLATE_CACHE_PATH", "LOAD_CONTENT_CACHE", "REPORT_FILE", "localsiteurl",
    # The cache folder of the catalogs compiled from the theme's, which code_digest() covers.
    "I18N_GETTEXT_LOCALEDIR",
})
# Lists in an order that depends on the file system, not on the content.
UNORDERED = frozenset({"staticfiles"})
MAX_DEPTH = 12


def digest(*parts: str) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(part.encode("utf-8", "surrogatepass"))
        hasher.update(b"\x00")
    return hasher.hexdigest()


def bytes_digest(data: bytes) -> str:
    """The digest of `data`: how every cache of the build tells bytes apart."""
    return FILE_HASH(data).hexdigest()


# sha256: SHA extensions make it the fastest of hashlib's on current x86 and ARM.
FILE_HASH = hashlib.sha256


SCALARS = frozenset({str, int, float, bool, type(None)})


def stable(value, named=None, depth: int = 0) -> str:
    """`value` written the same way in every run. `named` is (classes, write):
    how to write objects of those classes, which are no plain values (Pelican's
    pieces and tags: fingerprints.stable)."""
    kind = type(value)
    if kind in SCALARS:  # the exact types first: most values are, and this is the hot path
        return repr(value)
    if kind is list or kind is tuple or isinstance(value, (list, tuple)):
        if depth >= MAX_DEPTH:
            return kind.__qualname__
        return "[" + ",".join([stable(v, named, depth + 1) for v in value]) + "]"
    if named is not None and isinstance(value, named[0]):  # next most common: pieces in lists
        return named[1](value)
    if isinstance(value, (str, int, float)):
        return repr(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if depth >= MAX_DEPTH:
        return kind.__qualname__
    if isinstance(value, dict):
        return "{" + ",".join(sorted(f"{stable(k, named, depth + 1)}:"
                                     + stable(set(v) if k in UNORDERED else v, named, depth + 1)
                                     for k, v in value.items() if k not in PLACE_SETTINGS)) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(stable(v, named, depth + 1) for v in value)) + "}"
    text = repr(value)
    # Objects without a value-based repr (functions, generators, caches) are
    # code or machinery; the code itself is covered by code_digest().
    return kind.__qualname__ if " at 0x" in text else text


def file_digest(path: str) -> str:
    """The digest of the bytes of the regular file at `path` (following a
    symbolic link); OSError for anything else. Never opens a FIFO or a device:
    the file is opened without blocking and checked before it is read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with open(fd, "rb") as source:  # closes fd
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path}: not a regular file")
        return bytes_digest(source.read())


class KnownDigests:
    """file_digest of files read before, read again only where a file's status
    changed: device, inode, size, modification and change time, as git's index
    keeps them. A file rewritten with its old modification time put back
    still has a new change time, which no program can set back. A file whose
    change time was within a tick of the file system's clock when it was read
    is not remembered ("racily clean", as git says): changed again in that
    tick, it could keep every field.

    `path` names the file read; `key`, where it is remembered (a file read in
    a staging folder is remembered under the name it will have once that
    folder is the site). `save` keeps only what was asked for since `load`.
    """

    # Longer than a tick of the kernel's file clock (at most 10 ms); two
    # seconds where times have no fraction of a second (FAT and some network
    # file systems count in whole or even seconds).
    RACY_NS, COARSE_RACY_NS = 50_000_000, 2_000_000_000

    def __init__(self, entries: dict | None = None):
        self.entries = {} if entries is None else entries
        self.asked, self.read = set(), 0

    @classmethod
    def load(cls, path: str) -> "KnownDigests":
        try:
            with open(path, encoding="utf-8") as source:
                entries = json.load(source)
        except (OSError, ValueError):
            entries = None
        return cls(entries if isinstance(entries, dict) else None)

    def save(self, path: str) -> None:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(f"{path}.partial", "w", encoding="utf-8") as target:
            json.dump({key: self.entries[key] for key in self.asked if key in self.entries}, target,
                      separators=(",", ":"))
        os.replace(f"{path}.partial", path)

    def digest(self, path: str, key: str | None = None, status: os.stat_result | None = None) -> str:
        """file_digest(path), from memory while the file's status (`status` if
        the caller just took it, following links) is as remembered."""
        key = path if key is None else key
        now = time.time_ns()
        status = os.stat(path) if status is None else status
        # "device inode size modified changed digest", one string: JSON reads
        # a string of the 36,000 entries of a large site twice as fast as a list.
        fields = f"{status.st_dev} {status.st_ino} {status.st_size} {status.st_mtime_ns} {status.st_ctime_ns} "
        known = self.entries.get(key)
        self.asked.add(key)
        if isinstance(known, str) and known.startswith(fields) and stat.S_ISREG(status.st_mode):
            return known[len(fields):]
        found = file_digest(path)  # read after the status was taken: a change since shows next time
        self.read += 1
        racy = self.COARSE_RACY_NS if status.st_ctime_ns % 1_000_000_000 == 0 else self.RACY_NS
        if status.st_ctime_ns < now - racy:
            self.entries[key] = fields + found
        else:
            self.entries.pop(key, None)
        return found


class BuildRecords(NamedTuple):
    """Where the records of the builds of one output folder are kept: site_build's
    stamp (a digest of the inputs), its manifest (each file written → its
    digest), and the KnownDigests of the sources and the output, which
    site_build saves once it checked both and the writers read to check the
    pages they take from the last build."""
    stamp: str
    manifest: str
    known: str


def build_records(cache_path: str, output: str) -> BuildRecords:
    stamp = os.path.join(cache_path, "builds", digest(output))
    return BuildRecords(stamp, f"{stamp}.files.json", f"{stamp}.known.json")


# Path → the KnownDigests loaded from it: a process that builds again (the
# live preview) keeps what it read for its next build.
_KNOWN = in_memory("known digests")


def known_digests(cache_path: str, output: str) -> KnownDigests:
    """The KnownDigests saved for `output` (BuildRecords.known), loaded once per process."""
    path = build_records(cache_path, output).known
    known = _KNOWN.get(path)
    if known is None:
        known = _KNOWN[path] = KnownDigests.load(path)
    return known


# The content files this process read, for as long as it runs, each read
# again only once its status changed (KnownDigests): the content check and
# the readers read a file once per change, not once each in every build.
_SOURCES = KnownDigests(in_memory("source files"))
# Path → its digest, for the build under way (build_cache's new_build forgets it).
_PINNED = in_memory("source digests")


def current_digest(path: str) -> str:
    """file_digest of a source file as it is now. The content check, which
    runs before a build starts, tells a changed file by this."""
    return _SOURCES.digest(os.path.abspath(path))


def source_digest(path: str) -> str:
    """file_digest of a source file. The first answer in a build stands for
    the rest of it, so that all a build makes from one file agrees on its
    bytes: a file saved while the build runs is read again in the next one.
    The reader cache and every cache of build_cache tell a changed file by this."""
    path = os.path.abspath(path)
    known = _PINNED.get(path)
    if known is None:
        known = _PINNED[path] = current_digest(path)
    return known


def tree_digest(*roots: str, skip=(), known: KnownDigests | None = None) -> str:
    """Names and bytes of every file under `roots` (files or folders).

    Only regular files are read; anything else (FIFO, socket, device,
    dangling or looping link, unreadable file) counts as a marker of its
    kind, for the content check to report instead of this hanging or failing.
    A symbolic link counts with its target and what it leads to, as Pelican
    follows it. With `known`, a file is read only where its status changed.
    """
    hasher = hashlib.blake2b(digest_size=16)
    if known is None:
        def read(path, status):
            return file_digest(path)
    else:
        def read(path, status):  # the status just taken: no second stat of every file
            return known.digest(path, status=status)
    for root in roots:
        for path, entry in _tree_entries(root, set(skip), read):
            hasher.update(path.encode("utf-8", "surrogateescape") + b"\x00" + entry + b"\x00")
    return hasher.hexdigest()


def _tree_entries(root: str, skip, read, seen=None):
    """(path, what it holds) for `root` and every file under it, in name order."""
    seen = set() if seen is None else seen
    try:
        status = os.lstat(root)
    except OSError as problem:
        yield root, f"missing:{problem.errno}".encode()
        return
    marker = b""
    if stat.S_ISLNK(status.st_mode):
        try:
            marker = b"link:" + os.fsencode(os.readlink(root)) + b":"
            status = os.stat(root)
        except OSError as problem:
            yield root, marker + f"dangling:{problem.errno}".encode()
            return
    if stat.S_ISDIR(status.st_mode):
        if (status.st_dev, status.st_ino) in seen:
            yield root, marker + b"loop"
            return
        seen = seen | {(status.st_dev, status.st_ino)}
        if marker:
            yield root, marker + b"folder"
        try:
            names = sorted(os.listdir(root))
        except OSError as problem:
            yield root, f"unreadable folder:{problem.errno}".encode()
            return
        for name in names:
            if name not in skip:
                yield from _tree_entries(os.path.join(root, name), skip, read, seen)
    elif stat.S_ISREG(status.st_mode):
        try:
            yield root, marker + read(root, status).encode()
        except OSError as problem:
            yield root, marker + f"unreadable:{problem.errno}".encode()
    else:
        yield root, marker + f"special:{stat.S_IFMT(status.st_mode):o}".encode()


def packages() -> tuple[str, ...]:
    """The installed distributions, by their metadata folders on sys.path
    (pelican-4.12.0.dist-info): 0.2 ms, so the live preview notices an upgrade."""
    return tuple(sorted(name for folder in sys.path if os.path.isdir(folder) for name in os.listdir(folder)
                        if name.endswith((".dist-info", ".egg-info"))))


def code_digest(settings, known: KnownDigests | None = None) -> str:
    """The theme, the plugins and the installed packages a build runs with."""
    return digest(tree_digest(settings["THEME"], *settings.get("PLUGIN_PATHS", []), skip={"__pycache__"}, known=known),
                  *packages())


def output_digests(root: str, known: KnownDigests | None = None, site: str | None = None) -> dict[str, str]:
    """Relative path → digest of every file a built site holds: a regular
    file by its bytes, a symbolic link by its target, anything else by its kind.
    With `known`, a file is read only where its status changed; it is
    remembered under its place in `site` (by default `root`)."""
    found, top = {}, len(os.path.join(root, ""))
    site = os.path.join(root if site is None else site, "")
    folders = [root]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                name = entry.path[top:]
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif entry.is_symlink():
                    found[name] = "link:" + os.readlink(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    try:
                        found[name] = (file_digest(entry.path) if known is None
                                       else known.digest(entry.path, site + name))
                    except OSError as problem:
                        found[name] = f"unreadable:{problem.errno}"
                else:
                    found[name] = f"special:{stat.S_IFMT(entry.stat(follow_symlinks=False).st_mode):o}"
    return found






