from .site_build import BuildRequest, build, build_digests, bundle, failure_lines, pelican_environment, preview_command

__all__ = ["BuildRequest", "build", "build_digests", "bundle", "failure_lines", "pelican_environment",
           "preview_command"]
