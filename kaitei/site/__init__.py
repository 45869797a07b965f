"""The site: pages, feeds and JSON generated from the model (no MkDocs imports here)."""
