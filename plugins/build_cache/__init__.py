from .build_cache import register

__all__ = ["register"]
