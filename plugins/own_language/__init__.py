from .own_language import link_versions, own_files, register

__all__ = ["link_versions", "own_files", "register"]
