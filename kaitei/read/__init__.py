"""Reading content: files, front matter, Markdown blocks, sections, numbering, references."""
