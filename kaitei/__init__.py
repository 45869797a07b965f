"""kaitei (改定): publish legal policies as a bilingual static site from Markdown in git."""

__version__ = "0.1.0"
