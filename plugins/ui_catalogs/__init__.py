from .ui_catalogs import (
    catalog_path,
    compile_catalogs,
    incomplete_entries,
    register,
    template_catalog,
    ui_translations,
    update_catalogs,
)

__all__ = ["catalog_path", "compile_catalogs", "incomplete_entries", "register",
           "template_catalog", "ui_translations", "update_catalogs"]
