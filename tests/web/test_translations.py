"""Every word a student or a family reads is marked for translation, and translated."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

WEB = Path(__file__).resolve().parents[2] / "src" / "masterypath" / "web"
TEMPLATES = WEB / "templates"
LOCALE = WEB.parent / "locale"
# Pages students and families see live in these folders; shared parts are listed by name.
AUDIENCE_FOLDERS = ("student", "family", "me", "plans", "resources")
SHARED_TEMPLATES = (
    "web/base.html",
    "web/login.html",
    "404.html",
    "web/_chart.html",
    "web/_messages.html",
    "web/_artifact_fields.html",
    "web/_target_checkboxes.html",
)
NOT_WORDS = {"masterypath"}  # the product's name reads the same in every language
_ATTRIBUTE = re.compile(r'\b(?:aria-label|title|alt|placeholder)="([^"{]*)"')
_RAW = re.compile(r"<(script|style)\b.*?</\1>", re.DOTALL)


def audience_templates() -> list[Path]:
    found = [TEMPLATES / name for name in SHARED_TEMPLATES]
    for folder in AUDIENCE_FOLDERS:
        found += sorted((TEMPLATES / folder).rglob("*.html"))
    return found


def unmarked_words(source: str) -> list[str]:
    """Words in text outside {% translate %} / {% blocktranslate %}, and in attributes a
    person reads (aria-label, title, alt, placeholder)."""
    found: list[str] = []
    depth = 0
    in_tag = False  # a tag's text may be cut by template tags: <a href="{% url 'x' %}">
    for token in Lexer(_RAW.sub(" ", source)).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if name in {"blocktranslate", "blocktrans"}:
                depth += 1
            elif name in {"endblocktranslate", "endblocktrans"}:
                depth -= 1
            continue
        if token.token_type != TokenType.TEXT or depth:
            continue
        text = token.contents
        found += [value for value in _ATTRIBUTE.findall(text) if re.search(r"[A-Za-z]", value)]
        outside = []
        for char in text:
            if in_tag:
                in_tag = char != ">"
            elif char == "<":
                in_tag = True
            else:
                outside.append(char)
        words = re.findall(r"[A-Za-z][A-Za-z'\u2019-]+", "".join(outside))
        found += [word for word in words if word not in NOT_WORDS]
    return found


@pytest.mark.parametrize("path", audience_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_student_and_family_templates_mark_every_word(path: Path) -> None:
    """No English left outside translation tags in a page a student or family reads."""
    assert unmarked_words(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_unmarked_words() -> None:
    """The check itself: plain text and a readable attribute are caught, marked text is not."""
    source = (
        '{% load i18n %}<p>Hello there</p><a href="{% url \'home\' %}" title="Home">'
        "{% translate 'Fine' %}</a>{% blocktranslate %}Also fine{% endblocktranslate %}"
        "<script>var notWords = 1;</script>"
    )
    assert unmarked_words(source) == ["Hello", "there", "Home"]


def test_every_spanish_message_is_translated() -> None:
    """The Spanish catalogue has no empty or fuzzy entry (msgfmt --statistics)."""
    for po in LOCALE.glob("es/LC_MESSAGES/*.po"):
        report = subprocess.run(  # noqa: S603
            ["msgfmt", "--statistics", "--check", "-o", "/dev/null", str(po)],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stderr
        assert "untranslated" not in report, report
        assert "fuzzy" not in report, report
