from .site_build import build, build_digests, bundle, failure_lines, pelican_environment, preview_command

__all__ = ["build", "build_digests", "bundle", "failure_lines", "pelican_environment", "preview_command"]
