"""The Markdown export shows every user text as typed in a real renderer: no raw HTML, no link, no
``javascript:`` href, no heading, list or emphasis the user did not write (markdown-it, CommonMark with HTML on)."""

from __future__ import annotations

from html.parser import HTMLParser

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from app.exchange.formats import _inline, _text_block
from tests.factories import make_entry, make_goal, register

# CommonMark with raw HTML allowed (as many journal tools render), plus GitHub's tables and strikethrough.
RENDERER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
OURS = {"h1", "h2", "h3", "p", "br", "ul", "li", "strong", "em"}
HOSTILE = (
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[open](javascript:alert(1))",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "&lt;script&gt; &amp; &#106;avascript:",
    "**bold** _em_ ~~gone~~ `code`",
    "# heading\n## another\n> quote\n- item\n+ item\n1. item\n2) item\n---\n===\n***",
    "    indented code\n\n```\nfenced\n```\n~~~\nfenced\n~~~",
    "| a | b |\n|---|---|\n| c | d |",
    "trailing backslash\\\nhard  \nbreak",
    "<!-- comment --> <div>block</div>",
    "ends with #",
)


class _Rendered(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.tags.add("<!--")


def _render(markdown: str) -> _Rendered:
    rendered = _Rendered()
    rendered.feed(RENDERER.render(markdown))
    rendered.close()
    return rendered


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_hostile_texts_are_shown_as_typed() -> None:
    for text in HOSTILE:
        rendered = _render(_text_block(text))
        assert rendered.tags <= {"p", "br"}, (text, rendered.tags)
        assert rendered.attributes == []
        assert _lines("".join(rendered.text)) == _lines(text), text


# Any Unicode but lone surrogates (not text) and NUL (which CommonMark replaces by U+FFFD).
ANY_TEXT = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")


@settings(max_examples=300, deadline=None)
@given(st.text(ANY_TEXT, max_size=120))
def test_any_text_is_shown_as_typed(text: str) -> None:
    rendered = _render(_text_block(text))
    assert rendered.tags <= {"p", "br"}
    assert rendered.attributes == []
    assert _lines("".join(rendered.text)) == _lines(text)


@settings(max_examples=200, deadline=None)
@given(st.text(ANY_TEXT, max_size=60))
def test_any_name_is_one_line_of_text(name: str) -> None:
    rendered = _render(f"- Tags: {_inline(name)}")
    assert rendered.tags <= {"ul", "li"}
    assert "".join(rendered.text).strip() == ("Tags: " + " ".join(name.splitlines()).lstrip()).strip()


def test_the_exported_journal_renders_without_html_or_links(client: TestClient) -> None:
    register(client, display_name="<b>Ada</b> #1", timezone="Europe/Lisbon")
    goal = make_goal(client, title="[Sea](javascript:alert(1))", description="<script>alert('goal')</script>")
    for text in HOSTILE:
        make_entry(
            client,
            note=text,
            meaning=text,
            tags=["<i>tag</i>", "[t](javascript:x)"],
            people=["<u>Ann</u>", "*Ben*"],
            place="<a href='javascript:alert(1)'>here</a>",
            goal_ids=[goal["id"]],
        )
    journal = client.get("/api/v1/export", params={"format": "markdown"}).text
    rendered = _render(journal)
    html = RENDERER.render(journal)
    assert rendered.tags <= OURS, rendered.tags - OURS
    assert rendered.attributes == []
    assert "<script" not in html and "javascript:" not in "".join(value or "" for _, value in rendered.attributes)
    text = "".join(rendered.text)
    assert "Synclog journal of <b>Ada</b> #1" in text
    assert "[Sea](javascript:alert(1))" in text and "<script>alert('goal')</script>" in text
    assert "Tags: <i>tag</i>, [t](javascript:x)" in text
    assert "People: <u>Ann</u>, *Ben*" in text
    assert "Place: <a href='javascript:alert(1)'>here</a>" in text
