from .site_build import build, build_digests, bundle, failure_lines, preview_command

__all__ = ["build", "build_digests", "bundle", "failure_lines", "preview_command"]
