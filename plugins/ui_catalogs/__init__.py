from .ui_catalogs import catalog_path, compile_catalogs, incomplete_entries, register

__all__ = ["catalog_path", "compile_catalogs", "incomplete_entries", "register"]
