from .libyaml_reader import register

__all__ = ["register"]
