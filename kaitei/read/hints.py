"""The reader's messages and hints, with examples in the file's language.

Messages stay one wording (tools and tests match them); hints carry examples, and an English
file gets English examples: a legal editor of an English policy should not be told to write
'# プライバシーポリシー'.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

Pair = tuple[str, str]  # (message, hint)


@dataclass(frozen=True, slots=True)
class Hints:
    no_title: Pair
    late_title: Pair
    image: Pair
    raw_html: Pair
    raw_html_block: Pair
    picture: Pair
    unsafe_link: Pair
    http_link: Pair
    code_block: Pair
    quote: Pair
    paragraph_numbering: Pair
    item_numbering: Pair
    duplicate_id: Pair
    unresolved_ref: Pair
    empty_article: Pair
    late_article: Pair
    closing_block: Pair
    nested_too_deep: Pair
    lost_text: Pair
    unused_definition: Pair
    broken_fragment: Pair
    suspicious_char: Pair
    link_outside_content: Pair
    link_unknown_document: Pair
    link_unknown_version: Pair
    link_unknown_fragment: Pair


ENGLISH = Hints(
    no_title=(
        "the text has no title",
        "the page shows the title from document.yml; to give the text its own, start it with "
        "the title on a line of its own: '# Privacy Policy'",
    ),
    late_title=(
        "the title (#) must come first",
        "move the '# …' line to the top, right after the front matter",
    ),
    image=("images are not supported in policy text", "describe the content in words"),
    raw_html=(
        "raw HTML is not allowed: {html}",
        "write plain text; use **bold** for emphasis, [text](https://…) for links, a line "
        "ending in a backslash for a line break and {{#id}} for an anchor",
    ),
    raw_html_block=(
        "raw HTML is not allowed: {html}",
        "write plain text; tables are written with | pipes |; <!-- comments --> are allowed",
    ),
    picture=(
        "an image is not part of the published text: {html}",
        "images are not published; if it carries meaning, say it in words",
    ),
    unsafe_link=(
        "unsafe link: {href}",
        "only https://, http://, mailto: and relative links are allowed",
    ),
    http_link=(
        "the link {href} is not encrypted (http://)",
        "write {https} if that site supports it",
    ),
    code_block=(
        "indented or fenced text becomes a code block",
        "remove the indentation (four spaces or a tab at the start of a line) or the ``` fence",
    ),
    quote=("quotations ('>') are not supported", "remove the '>'"),
    paragraph_numbering=(
        "paragraph {number} of {heading} {what} the numbering: expected {expected}",
        "number the paragraphs of each article 1, 2, 3 … in order; if this line is not a "
        "new paragraph, do not start it with a number and a space",
    ),
    item_numbering=(
        "item {label} is out of sequence in {heading}: expected number {expected} of its series",
        "number items (1), (2), (3) … and sub-items (a), (b), (c) … in order, "
        "each series starting at its first number",
    ),
    duplicate_id=(
        "the anchor id '{id}' is already used on line {line}",
        "give each section, paragraph and item its own number or {{#id}}",
    ),
    unresolved_ref=(
        "the cross-reference '{label}' points at nothing{target}",
        "check the article and paragraph numbers; after renumbering articles, "
        "update every reference to them",
    ),
    empty_article=(
        "the article '{heading}' is empty",
        "write its text below the heading, or mark it deleted: '## Article 5 Deleted'",
    ),
    late_article=(
        "an article after the closing lines (* * *)",
        "only appendices (Schedule 1, Annex A, Appendix) may follow the closing lines",
    ),
    closing_block=(
        "a table or list among the closing lines",
        "put tables in an article, or in an appendix after the closing lines ('## Schedule 1')",
    ),
    nested_too_deep=(
        "the list is nested too deeply (more than {limit} levels); the text from here on "
        "cannot be read",
        "indent the list fewer levels; a list that deep is usually a mistake of indentation",
    ),
    lost_text=(
        "this text is not placed in the document: '{text}'",
        "this is a defect of kaitei; please report it with this file. Until then, check "
        "the Markdown around this line",
    ),
    unused_definition=(
        "the link definition [{label}] is not used by any link",
        "link to it with [text][{label}], or delete the line",
    ),
    broken_fragment=(
        "the link #{fragment} points at no heading or anchor of this text",
        "link to an existing id (see the ¶ links on the page) or add {{#{fragment}}} "
        "to the heading you mean",
    ),
    suspicious_char=(
        "{name} at this position",
        "{fix}",
    ),
    link_outside_content=(
        "the link {href} points outside content/ ({path}): that file is not published",
        "link to another document by its folder, e.g. [Terms](../terms/), or write the "
        "page's full https:// address",
    ),
    link_unknown_document=(
        "the link {href} points at no document of the site (no content/{name}/)",
        "write the folder name of a document in content/ ({documents}), e.g. "
        "[Terms](../terms/), or the page's full https:// address if it is published elsewhere",
    ),
    link_unknown_version=(
        "the link {href} names a version {version} that {doc} does not have",
        "versions of {doc}: {versions}; to link to the version in force, leave the date "
        "out: ../{doc}/",
    ),
    link_unknown_fragment=(
        "the link {href} points at no heading or anchor #{fragment} of {doc}",
        "link to an existing id of that document (the ¶ links on its page show them) or add "
        "{{#{fragment}}} to the heading you mean in {doc}",
    ),
)

JAPANESE = replace(
    ENGLISH,
    no_title=(
        ENGLISH.no_title[0],
        "the page shows the title from document.yml; to give the text its own, start it with "
        "the title on a line of its own: '# プライバシーポリシー'",
    ),
    item_numbering=(
        ENGLISH.item_numbering[0],
        "number items (1), (2), (3) … and sub-items ア, イ, ウ … in order, "
        "each series starting at its first number",
    ),
    empty_article=(
        ENGLISH.empty_article[0],
        "write its text below the heading, or mark it deleted: '## 第5条　削除'",
    ),
    late_article=(
        ENGLISH.late_article[0],
        "only appendices (別表第1, 附則) may follow the closing lines",
    ),
    closing_block=(
        ENGLISH.closing_block[0],
        "put tables in an article, or in an appendix after the closing lines ('## 別表第1')",
    ),
    link_outside_content=(
        ENGLISH.link_outside_content[0],
        "link to another document by its folder, e.g. [利用規約](../terms/), or write the "
        "page's full https:// address",
    ),
    link_unknown_document=(
        ENGLISH.link_unknown_document[0],
        "write the folder name of a document in content/ ({documents}), e.g. "
        "[利用規約](../terms/), or the page's full https:// address if it is published "
        "elsewhere",
    ),
)


def hints_for(lang: str) -> Hints:
    """Japanese examples for Japanese files; English for every other language."""
    return JAPANESE if lang.split("-")[0].lower() == "ja" else ENGLISH
