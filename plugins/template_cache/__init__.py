from .template_cache import SharedBytecodeCache, register

__all__ = ["SharedBytecodeCache", "register"]
