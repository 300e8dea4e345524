from .site_build import BuildRequest, build, failure_lines, pelican_environment, preview_command

__all__ = ["BuildRequest", "build", "failure_lines", "pelican_environment", "preview_command"]
