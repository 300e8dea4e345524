from .search_index import fold, index_site, page_glob, register, search_folding

__all__ = ["fold", "index_site", "page_glob", "register", "search_folding"]
