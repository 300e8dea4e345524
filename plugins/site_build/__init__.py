from .site_build import build, bundle, failure_lines

__all__ = ["build", "bundle", "failure_lines"]
