from .site_build import BuildRequest, build, environment, pelican_environment, preview_command

__all__ = ["BuildRequest", "build", "environment", "pelican_environment", "preview_command"]
