from .search_index import index_site, page_glob, register

__all__ = ["index_site", "page_glob", "register"]
