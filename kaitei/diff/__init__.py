"""Comparing two versions: units from the model, alignment, word-level edits, the ChangeSet.

The pipeline inside: `units` flattens a language text into generic units, `align` pairs
them at every level, `inline` marks the edited words inside each aligned piece, and
`changeset` names what happened to each pair in a lawyer's terms.
"""
