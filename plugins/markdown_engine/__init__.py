from .markdown_engine import MarkdownItReader, QUOTES, language_of, markdown_it, quotes_for, register, render

__all__ = ["MarkdownItReader", "QUOTES", "language_of", "markdown_it", "quotes_for", "register", "render"]
