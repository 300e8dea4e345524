from .site_build import BuildRequest, build, pelican_environment, preview_command

__all__ = ["BuildRequest", "build", "pelican_environment", "preview_command"]
