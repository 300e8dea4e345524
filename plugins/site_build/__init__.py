from .site_build import build

__all__ = ["build"]
