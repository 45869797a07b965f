"""The cache between builds (`.kaitei-cache/`): parsed files and diffs, by what made them.

An entry is found by a key that hashes everything its value is computed from: the input's
bytes and names, and the code fingerprint (kaitei's version, the cache format, the bytes of
every file of the kaitei package and the versions of the libraries that shape the model).
A new kaitei, or an edited one, therefore never reads an old entry: it computes another key.

Every entry is checked before it is trusted: a header naming the format, the code
fingerprint, the kind and the key, and a SHA-256 of the payload. A corrupt, truncated or
foreign entry (other format, other kaitei, a class kaitei does not define, the wrong type)
is removed with a warning and the value computed again. Values are pickles read by an
unpickler that refuses every class outside kaitei's model and a few builtins.

Writes go to a temporary file renamed into place, so two builds at once never read half an
entry. The cache is bounded by use: after a full build, entries the build did not use are
removed (`Cache.prune`), so it holds one build's working set, never a history.

A session holds the cache in a context variable (`session`): the loaders and the diff engine
ask `current()`, so no signature between the command and them has to carry it.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import importlib.metadata
import io
import json
import logging
import os
import pickle
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from . import __version__

log = logging.getLogger("kaitei.cache")

FORMAT = 1  # bump when the layout of an entry changes
MAGIC = b"kaitei-cache\n"
DEFAULT_DIR = ".kaitei-cache"
CACHE_DIR_ENV = "KAITEI_CACHE_DIR"
# The libraries whose behaviour is part of a parse or a diff (their version changes the key).
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "PyYAML", "Jinja2", "MarkupSafe")
# A temporary file older than this was left by a build that died: the next prune removes it.
CLOCK_SLACK_SECONDS = 1.0  # see Cache.start_build
STALE_TEMP_SECONDS = 600
# The memory layer of a one-shot command (`kaitei build`, `kaitei check`): each entry is read
# about once a build and the model holds the parsed texts anyway, so a few dozen recent values
# cover the reuse within a build, and its size no longer grows with the site (5,000 files:
# every ChangeSet of the site was kept to the end). `serve` keeps them all (its next build's
# hits).
ONE_SHOT_MEMORY = 64

T = TypeVar("T")

_fingerprint: str | None = None


def code_fingerprint() -> str:
    """What the cached values depend on besides their inputs: this kaitei, exactly."""
    global _fingerprint
    if _fingerprint is None:
        digest = hashlib.sha256()
        digest.update(f"format {FORMAT}\nkaitei {__version__}\n".encode())
        digest.update(f"python {sys.version_info[:2]}\n".encode())
        for name in LIBRARIES:
            try:
                version = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                version = "-"
            digest.update(f"{name} {version}\n".encode())
        # The package's own files: a developer's edit to a parser, a template or a catalogue
        # changes the key even when the version number does not.
        package = Path(__file__).resolve().parent
        for path in sorted(package.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(path.relative_to(package).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
        _fingerprint = digest.hexdigest()
    return _fingerprint


def key_of(*parts: str | bytes) -> str:
    """A key from parts, each length-prefixed so that no two different lists collide."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


# Modules whose classes a cached value may hold; anything else in a pickle is refused.
_ALLOWED_MODULES = ("kaitei.",)
_ALLOWED_GLOBALS = {
    ("datetime", "date"),
    ("builtins", "frozenset"),
    ("builtins", "set"),
    ("builtins", "tuple"),
    ("builtins", "list"),
    ("builtins", "dict"),
    ("copyreg", "_reconstructor"),
    ("builtins", "object"),
}


class _ModelUnpickler(pickle.Unpickler):
    """Builds kaitei's dataclasses and plain values; refuses any other class or function."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED_GLOBALS:
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        elif module.startswith(_ALLOWED_MODULES) and not name.startswith("_"):
            found = super().find_class(module, name)
            # Only values: a cached pickle calls the classes it names with arguments of its
            # own, and a frozen dataclass's constructor only stores them. Any other kaitei
            # class (the cache, a mail transport, a signer) may act when it is built.
            if isinstance(found, type) and _is_value_class(found):
                return found
        raise pickle.UnpicklingError(f"a class kaitei does not cache: {module}.{name}")


def _is_value_class(cls: type) -> bool:
    params = getattr(cls, "__dataclass_params__", None)
    return bool(params is not None and params.frozen)


_ENTRY = re.compile(r"^[0-9a-f]{64}$")
_TEMP = re.compile(r"^\.tmp-[A-Za-z0-9_]+$")
_ENTRY_FOLDER = re.compile(r"^[a-z]+$")  # the kinds: text, changeset …


class CorruptEntry(Exception):
    """Why an entry was not trusted (logged, then the entry is removed)."""


@dataclass
class Cache:
    """One cache folder, with a memory layer that outlives a build (what `serve` keeps).

    `used` is the set of entry paths this process read or wrote during the current build.
    Every hit also touches its file: a build's worker processes (whose `used` the parent never
    sees) mark what they read too, and `prune` keeps every entry touched since `started`.
    """

    root: Path
    memory: dict[str, Any] = field(default_factory=dict)  # oldest use first
    memory_limit: int | None = None  # values the memory layer holds; None: every one
    used: set[Path] = field(default_factory=set)
    started: float = 0.0  # when the current build started (time.time())
    hits: int = 0
    misses: int = 0
    # False when the build found its site up to date (kaitei.site.uptodate) and so read no
    # entry: its `used` says nothing about what the next build needs, and nothing is pruned.
    sweep: bool = True
    # The key each loaded LanguageText was made from, by id (the text is kept so that its id
    # is not reused): a diff's key is built from the keys of its two texts.
    text_keys: dict[int, tuple[Any, str]] = field(default_factory=dict)

    def key(self, kind: str, *parts: str) -> str:
        """The key of a value of `kind` computed from `parts` by this kaitei."""
        return key_of(code_fingerprint(), kind, *parts)

    def path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / key

    def get(self, kind: str, key: str, expected: type[T], *, remember: bool = True) -> T | None:
        """The value stored under (kind, key) if it is whole and ours; None otherwise.

        `remember=False` leaves it out of the memory layer: for large values read once a
        build (PDFs), which would only grow the process."""
        path = self.path(kind, key)
        if key in self.memory:
            value = self.memory[key]
            if isinstance(value, expected):
                self._touch(path)
                self._remember(key, value)
                self.hits += 1
                return value
        try:
            data = path.read_bytes()
        except OSError:  # absent, or removed by a concurrent prune: a miss
            self.misses += 1
            return None
        try:
            value = _decode(data, kind, key, expected)
        except CorruptEntry as problem:
            log.warning("kaitei: ignored cache entry %s (%s); computing it again", path, problem)
            with contextlib.suppress(OSError):
                path.unlink()
            self.misses += 1
            return None
        self._touch(path)
        if remember:
            self._remember(key, value)
        self.hits += 1
        return value

    def _remember(self, key: str, value: Any) -> None:
        """Keep a value in memory as the most recently used, within the limit."""
        self.memory.pop(key, None)
        self.memory[key] = value
        if self.memory_limit is not None:
            while len(self.memory) > self.memory_limit:
                del self.memory[next(iter(self.memory))]

    def _touch(self, path: Path) -> None:
        self.used.add(path)
        with contextlib.suppress(OSError):  # gone (a concurrent prune): written again later
            os.utime(path)

    def put(self, kind: str, key: str, value: Any, *, remember: bool = True) -> None:
        """Store a value: a temporary file renamed into place (readers never see half)."""
        path = self.path(kind, key)
        if remember:
            self._remember(key, value)
        self.used.add(path)
        try:
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            log.warning("kaitei: cannot cache a %s value (%s)", kind, error)
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(_encode(payload, kind, key))
                os.replace(temp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
        except OSError as error:  # a read-only or full disk costs speed, never the build
            log.warning("kaitei: cannot write the cache entry %s (%s)", path, error)

    def remember_text(self, text: Any, key: str) -> None:
        self.text_keys[id(text)] = (text, key)

    def forget_texts(self, texts: Iterable[Any]) -> None:
        """Let these texts go: no diff asks for their keys again (a process that is done
        with a document, kaitei.loadpool and kaitei.site.stream). Each key holds its text."""
        for text in texts:
            self.text_keys.pop(id(text), None)

    def text_key(self, text: Any) -> str | None:
        entry = self.text_keys.get(id(text))
        return entry[1] if entry is not None and entry[0] is text else None

    def start_build(self) -> None:
        """Forget what the previous build used (the memory layer stays for its hits)."""
        self.used = set()
        # The kernel stamps a touched file from its coarse clock, which lags time.time() by
        # up to a clock tick: an entry a worker touches just after the start could otherwise
        # look older than the build and be pruned. Keeping what the previous build used in
        # its last second is harmless.
        self.started = time.time() - CLOCK_SLACK_SECONDS
        self.text_keys = {}
        self.hits = self.misses = 0
        self.sweep = True

    def finish_build(self) -> None:
        """Keep in memory only what this build used: `serve` stays as small as one build."""
        keys = {path.name for path in self.used}
        self.memory = {key: value for key, value in self.memory.items() if key in keys}

    def prune(self) -> int:
        """Remove the entries no process of this build used, and temporary files of dead builds.

        Only files named like entries, in folders named like ours, are touched: a cache folder
        set by mistake to a folder holding other files loses none of them.
        """
        removed = 0
        now = time.time()
        for path in sorted(self.root.glob("*/??/*")):
            if path in self.used or not _ENTRY_FOLDER.match(path.parent.parent.name):
                continue
            with contextlib.suppress(OSError):
                if path.stat().st_mtime >= self.started:
                    continue  # read or written by this build, maybe by one of its workers
            if _TEMP.match(path.name):
                # Another build may be writing it right now: only old ones are leftovers.
                with contextlib.suppress(OSError):
                    if now - path.stat().st_mtime < STALE_TEMP_SECONDS:
                        continue
            elif not _ENTRY.match(path.name) or path.parent.name != path.name[:2]:
                continue
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
        for folder in sorted(self.root.glob("*/??"), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only an empty one goes
        return removed

    def mark(self) -> None:
        """Create the folder, tagged as a cache (backup tools skip it) and kept out of git."""
        if self.root.exists():
            return
        try:
            self.root.mkdir(parents=True)
            tag = self.root / "CACHEDIR.TAG"
            if not tag.exists():
                tag.write_text(
                    "Signature: 8a477f597d28d172789f06886806bc55\n"
                    "# kaitei's cache between builds: safe to delete.\n",
                    encoding="utf-8",
                )
            ignore = self.root / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")
        except OSError as error:
            log.warning("kaitei: cannot create the cache folder %s (%s)", self.root, error)


def _encode(payload: bytes, kind: str, key: str) -> bytes:
    header = {
        "code": code_fingerprint(),
        "format": FORMAT,
        "key": key,
        "kind": kind,
        "length": len(payload),
        "sha256": hashlib.sha256(payload).hexdigest(),
    }
    return MAGIC + json.dumps(header, sort_keys=True).encode("ascii") + b"\n" + payload


def _decode(data: bytes, kind: str, key: str, expected: type[T]) -> T:
    if not data.startswith(MAGIC):
        raise CorruptEntry("not a kaitei cache entry")
    end = data.find(b"\n", len(MAGIC))
    if end < 0:
        raise CorruptEntry("truncated header")
    try:
        header = json.loads(data[len(MAGIC) : end])
    except ValueError:
        raise CorruptEntry("unreadable header") from None
    if not isinstance(header, dict):
        raise CorruptEntry("unreadable header")
    if header.get("format") != FORMAT:
        raise CorruptEntry(f"cache format {header.get('format')!r}, this kaitei reads {FORMAT}")
    if header.get("code") != code_fingerprint():
        raise CorruptEntry("written by another kaitei version")
    if header.get("kind") != kind or header.get("key") != key:
        raise CorruptEntry("stored under another key")
    payload = data[end + 1 :]
    if len(payload) != header.get("length"):
        raise CorruptEntry(f"truncated: {len(payload)} of {header.get('length')} bytes")
    if hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        raise CorruptEntry("checksum mismatch")
    try:
        value = _ModelUnpickler(io.BytesIO(payload)).load()
    except Exception as error:  # any failure to rebuild the value means "do not trust it"
        raise CorruptEntry(f"unreadable value: {error}") from None
    if not isinstance(value, expected):
        raise CorruptEntry(f"a {type(value).__name__}, expected a {expected.__name__}")
    return value


# --- forked workers -----------------------------------------------------------------------------

# A build's parent prunes every entry the build did not use, and knows only what it is told
# its forked workers used (kaitei.loadpool, kaitei.site.parallel, kaitei.site.stream): each
# worker reports, with every result, the entries it used since it last did.
_REPORTED: set[Path] = set()  # in a worker: the entries already reported


def start_worker() -> None:
    """A forked worker's start: what the parent's cache had used is known to it already."""
    store = current()
    _REPORTED.clear()
    _REPORTED.update(store.used if store is not None else ())  # the parent's, at the fork


def newly_used() -> list[Path]:
    """In a worker: the entries it used since it last said."""
    store = current()
    used = sorted(store.used - _REPORTED) if store is not None else []
    _REPORTED.update(used)
    return used


def took_used(used: Iterable[Path]) -> None:
    """In the parent: a worker used these entries."""
    store = current()
    if store is not None:
        store.used.update(used)


# --- the session ------------------------------------------------------------------------------

_current: contextvars.ContextVar[Cache | None] = contextvars.ContextVar(
    "kaitei_cache", default=None
)


def current() -> Cache | None:
    """The cache of the running build, or None (no cache: compute everything)."""
    return _current.get()


def cache_dir(root: Path, environ: dict[str, str] | None = None) -> Path:
    """$KAITEI_CACHE_DIR, else .kaitei-cache/ in the site repository."""
    env = os.environ if environ is None else environ
    configured = env.get(CACHE_DIR_ENV, "").strip()
    return Path(configured) if configured else root / DEFAULT_DIR


def open_cache(
    root: Path, environ: dict[str, str] | None = None, *, memory_limit: int | None = None
) -> Cache:
    return Cache(cache_dir(root, environ), memory_limit=memory_limit)


@contextlib.contextmanager
def session(cache: Cache | None, *, prune: bool = False) -> Iterator[Cache | None]:
    """Make `cache` the current one for a build; with `prune`, sweep it when the build succeeds."""
    if cache is None:
        yield None
        return
    cache.start_build()
    cache.mark()
    token = _current.set(cache)
    try:
        yield cache
    finally:
        _current.reset(token)
    # Only after a success: a failed build used fewer entries than the next one will need.
    if not cache.sweep:
        return
    cache.finish_build()
    if prune:
        cache.prune()
