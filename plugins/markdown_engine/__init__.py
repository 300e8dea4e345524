from .markdown_engine import MarkdownItReader, QUOTES, engine_html, language_of, markdown_it, quotes_for, register, render

__all__ = ["MarkdownItReader", "QUOTES", "engine_html", "language_of", "markdown_it", "quotes_for", "register", "render"]
