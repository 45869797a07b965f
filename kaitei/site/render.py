"""The renderer: Jinja2 templates from kaitei/theme/ and the model's inline Markdown as HTML.

One `Renderer` per build. Templates get the page's URL, language, UI strings (`t`), relative
links (`rel`), absolute links (`abs_url`) and the inline-Markdown filter (`md`). Everything is
escaped unless it comes from our own Markdown renderer, which refuses raw HTML.
"""

from __future__ import annotations

import copyreg
import datetime as dt
import io
import pickle
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from ..catalogue import Catalogue, load_catalogue
from ..diff.changeset import Side, side_content
from ..markdown import html_as_markdown, is_cjk, make_markdown
from ..model import (
    Article,
    Break,
    BulletList,
    CrossRef,
    Document,
    Item,
    Row,
    Site,
    Span,
    Table,
    Text,
    article_texts,
)
from ..read.sitelinks import SiteTarget, locate
from . import urls
from .languages import direction
from .theme import SiteTheme

_PACKAGE = resources.files("kaitei")


def theme_dir() -> Path:
    """kaitei's built-in theme."""
    return Path(str(_PACKAGE.joinpath("theme")))


def theme_dirs(site_theme: SiteTheme) -> list[Path]:
    """Where theme files are looked up, the site's own theme/ first."""
    own = site_theme.overrides
    return [own, theme_dir()] if own is not None and own.is_dir() else [theme_dir()]


def theme_file(site_theme: SiteTheme, name: str) -> Path:
    """A theme file by its path, the site's override if it has one."""
    return next(p / name for p in theme_dirs(site_theme) if (p / name).is_file())


def logo_url(site_theme: SiteTheme) -> str:
    """The logo's URL in the built site, or "" when the site has none."""
    return f"assets/logo{Path(site_theme.logo).suffix.lower()}" if site_theme.logo else ""


# --- inline Markdown ----------------------------------------------------------------------


def _softbreak(tokens: Sequence[Token], idx: int) -> str:
    # Wrapped Japanese lines join without a space (kaitei.markdown.join_lines does the same
    # for the model's plain text); elsewhere a soft break is a space.
    before = tokens[idx - 1].content[-1:] if idx > 0 else ""
    after = tokens[idx + 1].content[:1] if idx + 1 < len(tokens) else ""
    return "" if is_cjk(before) and is_cjk(after) else " "


def _markdown() -> MarkdownIt:
    # Inline HTML is tokenized so that the few tags the reader accepts (<a href>, <br>,
    # <a id>) render as what they stand for; html_as_markdown turns every other tag into text.
    md = make_markdown(html=True)

    def softbreak(
        self: object, tokens: Sequence[Token], idx: int, options: object, env: object
    ) -> str:
        return _softbreak(tokens, idx)

    md.add_render_rule("softbreak", softbreak)
    return md


# Tokens whose content the parser counts into Text.plain (see BodyParser._inline_token).
_PLAIN_TOKENS = ("text", "code_inline", "text_special")


class InlineRenderer:
    """Inline Markdown → HTML, with cross-references turned into links to their anchors."""

    def __init__(self) -> None:
        self._md = _markdown()
        self._cache: dict[tuple[str, tuple[CrossRef, ...], str, str], Markup] = {}
        self._site: Site | None = None
        self._documents: dict[str, Document] = {}

    def use_site(self, site: Site) -> None:
        """The documents that relative links of the text resolve to (kaitei.read.sitelinks)."""
        if site is not self._site:
            self._site, self._documents = site, {d.id: d for d in site.documents}
            self._cache.clear()

    def forget(self) -> None:
        self._cache.clear()

    def render(self, text: Text, id_prefix: str = "") -> Markup:
        # Keyed by what the HTML depends on (not the span): unchanged text across versions
        # renders once. A relative link resolves from the file it is written in.
        key = (text.source, text.refs, id_prefix, text.span.path if text.links else "")
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._render(text, id_prefix)
        return cached

    def _render(self, text: Text, id_prefix: str) -> Markup:
        tokens = self._md.parseInline(text.source, {})
        children = html_as_markdown(list(tokens[0].children or []) if tokens else [], id_prefix)
        if text.links and self._documents:
            self._link_documents(children, text.span.path)
        if text.refs:
            children = self._link_refs(children, text, id_prefix)
        html = self._md.renderer.renderInline(children, self._md.options, {})  # type: ignore[attr-defined]
        return Markup(html.strip())

    def _link_documents(self, children: list[Token], path: str) -> None:
        # A link to another document of the site goes to its page in this file's language.
        lang = PurePosixPath(path).stem
        for token in children:
            if token.type == "link_open":
                found = locate(str(token.attrs.get("href", "")), path, lang, self._documents)
                if isinstance(found, SiteTarget):
                    url = urls.content_link(found.lang, found.doc, found.version, found.fragment)
                    token.attrs["href"] = urls.from_root(url)

    def _link_refs(self, children: list[Token], text: Text, id_prefix: str) -> list[Token]:
        # Walk the tokens the way the parser built Text.plain, so CrossRef offsets (which
        # point into the stripped plain text) map onto positions inside text tokens.
        raw = "".join(t.content for t in children if t.type in _PLAIN_TOKENS)
        lead = len(raw) - len(raw.lstrip())
        refs = [r for r in text.refs if r.target is not None]
        result: list[Token] = []
        position = 0
        depth = 0  # inside a link written by the editor: no nested links
        for token in children:
            if token.type == "link_open":
                depth += 1
            elif token.type == "link_close":
                depth -= 1
            if token.type != "text" or depth:
                if token.type in _PLAIN_TOKENS:
                    position += len(token.content)
                elif token.type == "hardbreak":
                    position += 1
                result.append(token)
                continue
            start, content = position, token.content
            position += len(content)
            cut = 0
            for ref in refs:
                ref_start, ref_end = ref.start + lead - start, ref.end + lead - start
                if ref_start < cut or ref_end > len(content):
                    continue  # crosses a markup boundary: leave it as text
                if ref_start > cut:
                    result.append(_text(content[cut:ref_start]))
                link = Token("link_open", "a", 1)
                link.attrs = {"href": f"#{id_prefix}{ref.target}", "class": "xref"}
                result += [link, _text(content[ref_start:ref_end]), Token("link_close", "a", -1)]
                cut = ref_end
            if cut < len(content):
                result.append(_text(content[cut:]))
        return result


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


class _ContentPickler(pickle.Pickler):
    """Writes a node without its source spans: each Span becomes the same empty call."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.dispatch_table = _WITHOUT_SPANS
        self.fast = True  # no memo: references to shared objects would depend on the sharing


_WITHOUT_SPANS = {**copyreg.dispatch_table, Span: lambda span: (tuple, ())}


def fingerprint(node: Any, memo: dict[int, tuple[Any, Hashable]] | None = None) -> Hashable:
    """A node's content without its source spans: equal for an unchanged article.

    The key of the per-build caches of rendered HTML (articles here, diff fragments in
    kaitei.site.diffpages), so it must cover everything the HTML depends on: it is the
    node's pickle (every field of every node below it, kaitei.model.pickled_by_fields) with
    the spans left out. Without the pickler's memo ("fast" mode), equal content gives equal
    bytes however its strings happen to be shared; C walks the tree, which a recursion in
    Python over the fields did at three times the cost. With `memo` (one build's), a model
    node met again (an article is on four pages) costs one lookup; the memo keeps each node
    alive, so its id stays its own.
    """
    if memo is not None:
        found = memo.get(id(node))
        if found is not None:
            return found[1]
    buffer = io.BytesIO()
    _ContentPickler(buffer).dump(node)
    result = buffer.getvalue()
    if memo is not None:
        memo[id(node)] = (node, result)
    return result


def row_spans(table: Table) -> list[tuple[Row, int]]:
    """Each row with the rowspan of its first cell: 0 for rows that continue the row above."""
    spans: list[tuple[Row, int]] = []
    for row in table.rows:
        if row.continued and spans:
            index = max(i for i, (_, span) in enumerate(spans) if span)
            spans[index] = (spans[index][0], spans[index][1] + 1)
            spans.append((row, 0))
        else:
            spans.append((row, 1))
    return spans


def article_units(article: Article) -> Iterator[tuple[str, Any]]:
    """(kind, unit) of an article in reading order: heading, each paragraph, each item."""
    yield "heading", article

    def items(list_: Sequence[Item]) -> Iterator[tuple[str, Any]]:
        for item in list_:
            yield "item", item
            yield from items(item.children)

    for para in article.paragraphs:
        yield "para", para
        yield from items(para.items)


def _linking_file(article: Article) -> str:
    """The file an article's relative links resolve from, or "" when it has none.

    The fingerprint leaves spans out so that an article unchanged across versions renders
    once; but a relative link (`../2023-01-01/`, `cookies.md`) resolves from the file it is
    written in, so the same words in two documents' files must not share their HTML.
    """
    for text in (article.head, *article_texts(article)):
        if text is not None and text.links:
            return text.span.path
    return ""


def _prefixed(html: str, prefix: str) -> str:
    # Safe: content text cannot produce these attribute openings (quotes in text are escaped),
    # only our templates and our cross-reference links do.
    if not prefix:
        return html
    return html.replace(' id="', f' id="{prefix}').replace(' href="#', f' href="#{prefix}')


# --- pages --------------------------------------------------------------------------------


@cache  # called twice per row of a bilingual page, with two or three distinct arguments
def dir_attr(text_lang: str, page_lang: str) -> Markup:
    """` dir="…"` for an element in `text_lang` when it runs the other way from the page.

    Nothing when both run the same way, so left-to-right sites' pages are unchanged; a
    `dir` on an inline element also isolates it, so a name in Arabic inside an English
    sentence (or the reverse) does not reorder its neighbours.
    """
    way = direction(text_lang)
    return Markup(f' dir="{way}"') if way != direction(page_lang) else Markup("")


@dataclass(frozen=True, slots=True)
class LanguageLink:
    """One entry of the language switcher."""

    lang: str
    label: str  # the language's name in itself: 日本語, English
    url: str
    current: bool
    available: bool  # False: the URL is the "not available in <language>" page


STYLESHEET = "assets/site.css"
SCRIPT = "assets/site.js"
FAVICON = "assets/favicon.svg"


class Renderer:
    """Implements kaitei.site.output.Renderer."""

    def __init__(
        self,
        base_url: str = "",
        as_of: dt.date | None = None,
        features: Mapping[str, bool] | None = None,
        site_theme: SiteTheme | None = None,
    ) -> None:
        self.base_url = base_url if not base_url or base_url.endswith("/") else base_url + "/"
        self.inline = InlineRenderer()
        self.site_theme = site_theme or SiteTheme()
        self.env = Environment(
            # The site's theme/ first: a file there replaces the built-in one of the same path.
            loader=FileSystemLoader([str(p) for p in theme_dirs(self.site_theme)]),
            undefined=StrictUndefined,
            autoescape=select_autoescape(["html", "xml"], default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["md"] = self.inline.render
        self.env.globals["STYLESHEET"] = STYLESHEET
        self.env.globals["SCRIPT"] = SCRIPT
        self.env.globals["FAVICON"] = FAVICON
        self.env.globals["LOGO"] = logo_url(self.site_theme)
        self.env.globals["brand"] = self.site_theme
        # Optional parts of the site (e.g. notices) that the layout links to when present.
        self.features: Mapping[str, bool] = dict(features or {})
        self.env.globals["features"] = self.features
        self.env.globals["as_of"] = as_of or dt.date(1970, 1, 1)
        self.env.tests["text_block"] = lambda block: isinstance(block, Text)
        self.env.tests["table_block"] = lambda block: isinstance(block, Table)
        self.env.tests["break_block"] = lambda block: isinstance(block, Break)
        self.env.globals["list_tree"] = BulletList.tree
        self.env.globals["row_spans"] = row_spans
        self.env.globals["article_html"] = self.article
        self.env.globals["unit_rows"] = self.unit_rows
        self.env.globals["bilingual_section"] = self.bilingual_section
        self.env.globals["dir_of"] = direction
        self.env.globals["dir_attr"] = dir_attr
        self._policy_modules: dict[str, Any] = {}
        self._articles: dict[tuple[Hashable, str], str] = {}
        self._units: dict[tuple[Hashable, str], list[tuple[str, str]]] = {}
        self._sections: dict[tuple[Hashable, ...], str] = {}
        self._fingerprints: dict[int, tuple[Any, Hashable]] = {}
        self._contents: dict[int, tuple[Article, Hashable]] = {}

    def catalogue(self, lang: str) -> Catalogue:
        return load_catalogue(lang)

    def forget(self) -> None:
        """Drop what was rendered and fingerprinted so far. The generators call it between
        documents, which share no articles: a worker that makes many documents' pages would
        otherwise keep every one's HTML and fingerprints until the build ends."""
        self._articles.clear()
        self._units.clear()
        self._sections.clear()
        self._fingerprints.clear()
        self._contents.clear()
        self.inline.forget()

    def fingerprint(self, node: Any) -> Hashable:
        """`fingerprint` with this build's memo; a diff's Side (a few hundred on every diff
        page, the keys of its fragments) by its fields but the span, which costs no pickle."""
        if type(node) is Side:
            return side_content(node)
        return fingerprint(node, self._fingerprints)

    def _content(self, article: Article) -> Hashable:
        """What an article's HTML depends on: its fingerprint and the file its relative links
        resolve from; an article is on four pages or more, so this is kept by article."""
        found = self._contents.get(id(article))
        if found is None or found[0] is not article:
            content = (self.fingerprint(article), _linking_file(article))
            found = self._contents[id(article)] = (article, content)
        return found[1]

    def article(self, article: Article, names: Mapping[str, str], prefix: str, lang: str) -> Markup:
        """One article's HTML in its own language, rendered once per build.

        The same article appears on the current page, its permalink and both bilingual
        pages, and most articles do not change from one version to the next; Jinja macros
        are the slow part of a build, so an article is rendered once per content and
        language, without id prefix, and the prefix is put in afterwards.
        """
        key = (self._content(article), lang)
        html = self._articles.get(key)
        if html is None:
            module = self._policy_module(lang)
            html = self._articles[key] = str(module.article(article, names, ""))
        return Markup(_prefixed(html, prefix))

    def units(
        self, article: Article, names: Mapping[str, str], prefix: str, lang: str
    ) -> list[tuple[str, Markup]]:
        """The article unit by unit (heading, paragraphs, items at every depth) as (id, HTML):
        the rows of the bilingual view. Rendered once per content and language, like
        `article`."""
        key = (self._content(article), lang)
        found = self._units.get(key)
        if found is None:
            module = self._policy_module(lang)
            found = self._units[key] = [
                (unit.id, str(module.unit(kind, unit, names, "")))
                for kind, unit in article_units(article)
            ]
        return [(uid, Markup(_prefixed(html, prefix))) for uid, html in found]

    def unit_rows(
        self,
        a: Article | None,
        b: Article | None,
        left: Mapping[str, Any],
        right: Mapping[str, Any],
    ) -> list[tuple[Markup | None, Markup | None]]:
        """The bilingual rows of an article pair: each unit beside its counterpart (same id);
        a unit one side lacks stands alone, the other side's order first."""

        def of(article: Article | None, col: Mapping[str, Any]) -> list[tuple[str, Markup]]:
            if article is None:
                return []
            return self.units(article, col["names"], col["prefix"], col["text"].lang)

        ours, theirs = of(a, left), of(b, right)
        by_id = dict(theirs)
        rows: list[tuple[Markup | None, Markup | None]] = [(h, by_id.get(u)) for u, h in ours]
        seen = {u for u, _ in ours}
        rows += [(None, h) for u, h in theirs if u not in seen]
        return rows

    def bilingual_section(
        self,
        macro: Callable[[Article | None, Article | None], str],
        a: Article | None,
        b: Article | None,
        left: Mapping[str, Any],
        right: Mapping[str, Any],
        page_lang: str,
    ) -> Markup:
        """An article pair of the bilingual view as the template's macro writes it, once per
        content, columns and page language: most articles are the same on every version's
        page, and writing their rows out was most of a bilingual page."""

        def content(article: Article | None) -> Hashable:
            return None if article is None else self._content(article)

        key = (
            content(a),
            content(b),
            *(col["text"].lang for col in (left, right)),
            *(col["prefix"] for col in (left, right)),
            page_lang,
        )
        html = self._sections.get(key)
        if html is None:
            html = self._sections[key] = str(macro(a, b))
        return Markup(html)

    def _policy_module(self, lang: str) -> Any:
        module: Any = self._policy_modules.get(lang)
        if module is None:
            t = self.catalogue(lang)
            module = self.env.get_template("partials/policy.html").make_module(
                {"t": t, "date": t.date, "lang": lang}
            )
            self._policy_modules[lang] = module
        return module

    def abs_url(self, url: str, from_url: str) -> str:
        """An absolute URL when the site URL is known (hreflang, sitemap), else a relative one."""
        return self.base_url + url if self.base_url else urls.relative(from_url, url)

    def _globals(self, url: str, lang: str) -> dict[str, Any]:
        catalogue = self.catalogue(lang)
        rel: Callable[[str], str] = lambda to: urls.relative(url, to)  # noqa: E731
        return {
            "url": url,
            "lang": lang,
            "t": catalogue,
            "date": catalogue.date,
            "rel": rel,
            "abs_url": lambda to: self.abs_url(to, url),
            "urls": urls,
        }

    def page(self, template: str, url: str, lang: str, **context: Any) -> bytes:
        """A whole HTML page; `context` may set `alternates`, `switcher`, `title`, `robots`,
        and `site` (for the policy text's links to other documents)."""
        site = context.pop("site", None)
        if site is not None:
            self.inline.use_site(site)
        values = {
            "alternates": (),
            "switcher": (),
            "robots": "",
            **context,
            **self._globals(url, lang),
        }
        html = self.env.get_template(template).render(values)
        return urls.rebase(html, url).encode("utf-8")

    def text(self, template: str, **context: Any) -> str:
        """A template rendered on its own (feeds, partials); `t` follows `lang` if given."""
        values = dict(context)
        if "lang" in context:
            values.setdefault("t", self.catalogue(str(context["lang"])))
            values.setdefault("date", self.catalogue(str(context["lang"])).date)
        return self.env.get_template(template).render(values)
