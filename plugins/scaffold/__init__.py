from .scaffold import KINDS, ScaffoldError, new_piece

__all__ = ["KINDS", "ScaffoldError", "new_piece"]
