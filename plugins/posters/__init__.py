from .posters import poster_of, register

__all__ = ["poster_of", "register"]
