"""Compile each template once per build, not once per generator and language.

Pelican gives every generator of every language its own Jinja environment,
so the theme's templates were compiled about forty times per build. One
in-memory bytecode cache shared by all environments compiles each once.
"""

from jinja2 import BytecodeCache
from pelican import signals


class SharedBytecodeCache(BytecodeCache):
    def __init__(self):
        self._code = {}

    def load_bytecode(self, bucket):
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = bucket.bytecode_to_string()


def share_bytecode_cache(pelican_obj):
    environment = pelican_obj.settings.setdefault("JINJA_ENVIRONMENT", {})
    environment.setdefault("bytecode_cache", SharedBytecodeCache())


def register():
    signals.initialized.connect(share_bytecode_cache)
