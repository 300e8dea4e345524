from .site_build import build, build_digests, bundle, failure_lines

__all__ = ["build", "build_digests", "bundle", "failure_lines"]
