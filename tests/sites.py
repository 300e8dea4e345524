"""Sites the tests build, and what they share: one build of each session site for the whole run (also
across pytest-xdist's workers), encoded images to start a variant build's cache with, small content
folders, and the edits the incremental-build and live-preview tests make."""

import concurrent.futures
import contextlib
import fcntl
import hashlib
import json
import multiprocessing
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The folder every worker of this run shares (set by conftest's session fixture `shared_folder`).
SHARED: Path | None = None


@contextlib.contextmanager
def locked(name: str):
    """Hold an exclusive lock named `name` for this run: one worker at a time (a no-op without SHARED)."""
    if SHARED is None:
        yield
        return
    with open(SHARED / f"{name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def once(name: str, make) -> Path:
    """SHARED/`name`, made by `make(folder)` by the first worker that asks for it; every other worker
    waits for it and finds it made. Without SHARED (outside a test run), made in a new folder each time."""
    if SHARED is None:
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        make(folder)
        return folder
    folder = SHARED / name
    with locked(name):
        if not (folder / ".made").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            (folder / ".made").touch()
    return folder


def shared_build(name: str, build):
    """`build(output)` run once for the whole run (its status and log kept beside it): a conftest.Build."""
    from conftest import Build

    def make(folder):
        result = build(folder / "output")
        (folder / "build.json").write_text(json.dumps({"status": result.status, "log": result.log}))

    folder = once(name, make)
    recorded = json.loads((folder / "build.json").read_text())
    return Build(recorded["status"], folder / "output", recorded["log"])


def tree_digest(root: Path) -> str:
    """A digest of every file under `root`: its path inside and its bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(root).as_posix()}\0{path.stat().st_size}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def reference_build(content: Path, theme: Path | None = None, overrides=None):
    """A build from scratch of `content` (with `theme`): no content cache, a new cache folder (with only
    the encoded images of seed_images), a new output folder. The same inputs give the same site
    wherever they lie (what every comparison with it relies on), so each one is built once per run,
    for all the tests whose edits lead to it."""
    from conftest import run_build

    settings = {**(overrides or {}), "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False}
    if theme is not None:
        settings["THEME"] = str(theme)
    key = hashlib.sha256(json.dumps([tree_digest(content), theme and tree_digest(theme),
                                     {k: v for k, v in settings.items() if k != "THEME"}],
                                    sort_keys=True).encode()).hexdigest()[:20]
    return shared_build(f"reference-{key}", lambda output: run_build(output, content=content, overrides=settings))


# --- Encoded images --------------------------------------------------------------------------
#
# Encoding the starter content's images (the social cards above all) takes a build about three
# seconds of a core, and every test build starts with an empty cache. The images plugin keeps each
# image's files in CACHE_PATH/images/<name>-<digest>/, with a manifest of their digests, and copies
# them from there while both match: what a previous build in the same cache leaves. A test build's
# new cache starts with such entries (conftest.request_for), encoded once per run by the plugin's own
# process_images, one image at a time, each recorded with the name and bytes it was made from; a
# build gets only the entries of images its content has with exactly those bytes. An image that a
# test adds or changes is encoded by the build itself (as in the tests of photos, which encode theirs
# while the build reads the content), and what it gets is just what encoding the same bytes gives,
# however the plugin names its entries.

def image_seed() -> Path:
    """A cache/images folder with the starter content's images and the benchmark corpus's photos, and
    sources.json: {entry folder: [image name, sha256 of the bytes it was encoded from]}. The images are
    encoded side by side, one process per core: every worker's first build waits for them."""
    def make(folder):
        from benchmarks.corpus import make_corpus
        from pelican.settings import read_settings

        widths = read_settings(str(ROOT / "pelicanconf.py"))["IMAGE_WIDTHS"]
        corpus = make_corpus(folder.parent / "seed-corpus" / "content", updates=0)
        images = [*sorted((ROOT / "content" / "images").iterdir()), *sorted((corpus / "images").iterdir())]
        (folder / "images").mkdir()
        # Spawned, not forked: a test worker runs threads of its own.
        with concurrent.futures.ProcessPoolExecutor(mp_context=multiprocessing.get_context("spawn")) as pool:
            entries = list(pool.map(_encode_alone, images, [folder / "images"] * len(images), [widths] * len(images)))
        sources = {entry: [image.name, _sha256(image)] for image, names in zip(images, entries) for entry in names}
        shutil.rmtree(folder.parent / "seed-corpus", ignore_errors=True)
        (folder / "sources.json").write_text(json.dumps(sources, indent=1))

    return once("image-seed", make)


def _encode_alone(image: Path, target: Path, widths) -> list[str]:
    """Encode `image` alone into a new cache, move its entries into `target`; their names."""
    import tempfile

    from images import process_images

    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        alone, cache = Path(work) / "one", Path(work) / "cache"
        alone.mkdir()
        shutil.copy2(image, alone / image.name)
        process_images(str(alone), None, widths, str(cache))
        names = sorted(entry.name for entry in cache.iterdir())
        for name in names:
            shutil.move(cache / name, target / name)
    return names


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def shared_templates() -> dict:
    """The setting that has a build keep its compiled templates in one folder for the whole run, where
    every other build finds them (template_cache: keyed by each template's path and source), instead
    of compiling each template in every language of every build."""
    return {"TEMPLATE_CACHE_PATH": str(SHARED / "templates")} if SHARED is not None else {}


def own_cache(folder: Path, content: Path = ROOT / "content") -> str:
    """folder/cache, started with the encoded images of `content`: the cache of a build the test asks
    for itself (instead of the project's cache/, which the settings file names)."""
    seed_images(folder / "cache", content)
    return str(folder / "cache")


def seed_images(cache: Path, content: Path) -> None:
    """Start an empty build cache `cache` with the encoded images that content/images has, byte for byte."""
    if cache.exists() or SHARED is None:
        return
    seed = image_seed()
    (cache / "images").mkdir(parents=True)
    images = content / "images"
    for entry, (name, digest) in json.loads((seed / "sources.json").read_text()).items():
        image = images / name
        if image.is_file() and not image.is_symlink() and _sha256(image) == digest:
            shutil.copytree(seed / "images" / entry, cache / "images" / entry)


# --- Content folders ---------------------------------------------------------------------------

def content_with(root: Path, *names: str) -> Path:
    """root/content with only these files (paths inside content/) copied from the starter content."""
    content = root / "content"
    for name in names:
        target = content / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "content" / name, target)
    return content


def small_corpus(root: Path, updates: int = 3) -> Path:
    """root/content: the benchmark corpus with a few updates in each language, a whole site that builds in
    a moment. Of its five photos it keeps the three that pieces and EDITS use (photo-0 in the updates,
    photo-1 and photo-2 to replace it and be replaced): encoding photos is most of a small build."""
    from benchmarks.corpus import make_corpus

    content = make_corpus(root / "content", updates=updates)
    for unused in ("photo-3.jpg", "photo-4.jpg"):
        (content / "images" / unused).unlink()
    return content


# --- Edits a writer makes (the incremental-build and live-preview tests) ------------------------

def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def replace(path: Path, old: str, new: str) -> None:
    source = path.read_text(encoding="utf-8")
    assert old in source
    path.write_text(source.replace(old, new), encoding="utf-8")


EDITS = {
    "body of an update with a summary": lambda c, t: append(c / "updates" / "update-0.en.md", "\nA new paragraph.\n"),
    "title of a translation": lambda c, t: replace(c / "updates" / "update-1.fa.md", "Update 1 fa", "به‌روزرسانی تازه"),
    "body of an event without a summary": lambda c, t: append(c / "events" / "event-1.es.md", "\nOtra línea.\n"),
    "tags of an update": lambda c, t: replace(c / "updates" / "update-2.en.md", "tags: [", 'tags: ["New tag", '),
    "a deleted translation": lambda c, t: (c / "updates" / "update-3.es.md").unlink(),
    "a new update": lambda c, t: shutil.copy(c / "updates" / "update-4.en.md", c / "updates" / "brand-new.en.md"),
    "a prisoner's profile": lambda c, t: append(c / "prisoners" / "prisoner-0.fa.md", "\nخبر تازه.\n"),
    "a replaced image": lambda c, t: shutil.copy(c / "images" / "photo-1.jpg", c / "images" / "photo-0.jpg"),
    "a template": lambda c, t: replace(t / "templates" / "base.html", "</footer>", "<p>Edited</p></footer>"),
    "a UI translation": lambda c, t: replace(t / "translations" / "fa" / "LC_MESSAGES" / "messages.po",
                                             'msgid "Updates"\nmsgstr "', 'msgid "Updates"\nmsgstr "تازه‌ها: '),
}


def corpus_and_theme(root: Path):
    """A small corpus and a copy of the theme, for EDITS to change."""
    content = small_corpus(root, updates=6)
    theme = root / "theme"
    shutil.copytree(ROOT / "theme", theme)
    return content, theme

