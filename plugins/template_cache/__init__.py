from .template_cache import CompiledTemplates, compile_once, register

__all__ = ["CompiledTemplates", "compile_once", "register"]
