from .editor import admin_page, bundle_files, editor_config, local_backend, register, write_admin

__all__ = ["admin_page", "bundle_files", "editor_config", "local_backend", "register", "write_admin"]
