"""`kaitei import`: a policy's git history, one file per language, as kaitei versions.

The steps, one module each: `sources` (which files, which languages), `walk` (the main
line's commits and each file's text at each), `dates` (the date a text gives itself),
`setaside` (site-generator markup that is not policy text), `versions` (versions by
effective date, errata, stale translations), `write` (the content files) and `summary`.
"""
