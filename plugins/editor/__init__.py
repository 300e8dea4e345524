from .editor import admin_page, bundle_files, editor_config, register, write_admin

__all__ = ["admin_page", "bundle_files", "editor_config", "register", "write_admin"]
