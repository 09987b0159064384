"""Every Chinese string in the templates goes through gettext, so the English switch reaches
it: outside {% translate %}, {% blocktranslate %} and _("…") no Chinese text is left."""

import re
from pathlib import Path

from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(ROOT.glob("templates/**/*.html"))
HAN = re.compile(r"[\u4e00-\u9fff]")
LITERAL = re.compile(r'_\("[^"]*"\)|_\(\'[^\']*\'\)')


def untranslated(source: str) -> list[str]:
    found, inside = [], None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            word = (token.contents.split() or [""])[0]
            if inside and word == f"end{inside}":
                inside = None
            elif word in ("blocktranslate", "blocktrans", "comment"):
                inside = word
            elif not inside and word not in ("translate", "trans"):
                rest = LITERAL.sub("", token.contents)
                if HAN.search(rest) and word not in ("if", "elif"):
                    found.append(token.contents)
            continue
        if inside or token.token_type == TokenType.COMMENT:
            continue
        text = LITERAL.sub("", token.contents)
        if token.token_type == TokenType.VAR:
            text = re.sub(r'"[^"]*"', "", text) if not HAN.search(text) else text
        for line in text.splitlines():
            if HAN.search(line):
                found.append(line.strip())
    return found


def test_templates_have_no_chinese_outside_gettext():
    left = {
        str(path.relative_to(ROOT)): strings
        for path in TEMPLATES
        if (strings := untranslated(path.read_text(encoding="utf-8")))
    }
    assert left == {}, "\n".join(f"{path}: {strings[:3]}" for path, strings in left.items())
