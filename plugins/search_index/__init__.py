from .search_index import fold, index_site, register, search_folding

__all__ = ["fold", "index_site", "register", "search_folding"]
