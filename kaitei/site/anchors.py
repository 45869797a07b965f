"""Accessible names of the anchor links: "第2条第1項第2号", "Article 2(1)(2)"."""

from __future__ import annotations

from ..catalogue import Catalogue
from ..model import Article, Item, LanguageText, Table


def article_name(article: Article, t: Catalogue) -> str:
    number = article.number
    if number is None:
        return article.title or article.heading
    if number.branch:
        text = t(
            "article_number_branch",
            main=number.main,
            branch="-".join(str(b) for b in number.branch),
        )
    else:
        text = str(number.main)
    return t("anchor_article", number=text)


def _tables(names: dict[str, str], blocks: tuple[object, ...], parent: str, t: Catalogue) -> None:
    for block in blocks:
        if isinstance(block, Table):
            names[block.id] = t("anchor_table", parent=parent)
            for row in block.rows:
                names[row.id] = t("anchor_row", parent=parent, key=row.key)


def _item(names: dict[str, str], item: Item, parent: str, t: Catalogue) -> None:
    if item.depth == 1:
        name = t("anchor_item", parent=parent, number=item.number)
    else:
        name = t("anchor_subitem", parent=parent, label=item.label)
    names[item.id] = name
    _tables(names, item.blocks, name, t)
    for child in item.children:
        _item(names, child, name, t)


def anchor_names(text: LanguageText, t: Catalogue) -> dict[str, str]:
    """Every anchor id of a text mapped to the name its anchor link is read out as."""
    names: dict[str, str] = {}
    for article in (*text.articles, *text.appendices):
        article_label = article_name(article, t)
        names[article.id] = article_label
        for para in article.paragraphs:
            # An article with a single unnumbered paragraph: the paragraph is the article.
            name = (
                t("anchor_para", article=article_label, number=para.number)
                if para.label
                else article_label
            )
            names[para.id] = name
            _tables(names, para.blocks, name, t)
            for item in para.items:
                _item(names, item, name, t)
    return names
