from .host_files import collect_pages, headers_file, register, robots_txt, sitemap_xml

__all__ = ["collect_pages", "headers_file", "register", "robots_txt", "sitemap_xml"]
