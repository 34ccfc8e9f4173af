"""Tokenizer for the formula language.

The tokenizer is a generator so that the parser reports the *leftmost* problem: in
``revenue); DROP TABLE orders; --`` the stray ``)`` is reported before the ``;`` behind it.
Everything outside the small grammar — ``;``, double quotes, backticks, comments — is rejected
here, which is the first of two walls against SQL injection (the second being that the
compiler only ever builds Ibis expressions, never SQL text).
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kpibridge.errors import FormulaError

KEYWORDS = frozenset({"and", "or", "not", "in", "is", "null", "true", "false"})
"""Reserved words, matched case-insensitively; they cannot be used as names."""


class TokenKind(enum.Enum):
    """What a token is; the parser dispatches on this and on ``Token.value``."""

    NUMBER = "number"
    STRING = "string"
    NAME = "name"
    KEYWORD = "keyword"
    OPERATOR = "operator"
    LPAREN = "'('"
    RPAREN = "')'"
    COMMA = "','"
    DOT = "'.'"
    END = "end of formula"


@dataclass(frozen=True)
class Token:
    """One token; ``value`` is normalised (keywords lower-case, ``<>`` → ``!=``, strings
    unescaped, numbers converted) while ``text`` keeps the source spelling for messages."""

    kind: TokenKind
    value: str | int | float
    text: str
    start: int
    end: int

    def describe(self) -> str:
        """Render the token for an error message, e.g. ``'/'`` or ``name 'orders'``."""
        match self.kind:
            case TokenKind.END:
                return "end of formula"
            case TokenKind.NAME | TokenKind.NUMBER:
                return f"{self.kind.value} {self.text!r}"
            case TokenKind.STRING:
                return f"string {self.text}"
            case _:
                return repr(self.text)


_DIGITS = frozenset("0123456789")
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_MAX_NUMBER_LENGTH = 40  # far beyond int64 and float64 precision; bounds int() parsing work
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NAME_CHARACTER = re.compile(r"[A-Za-z0-9_.]")
_WHITESPACE = re.compile(r"\s+")

_OPERATORS = {
    "<=": "<=",
    ">=": ">=",
    "!=": "!=",
    "<>": "!=",
    "==": "=",
    "=": "=",
    "<": "<",
    ">": ">",
    "+": "+",
    "-": "-",
    "*": "*",
    "/": "/",
}
_PUNCTUATION = {"(": TokenKind.LPAREN, ")": TokenKind.RPAREN, ",": TokenKind.COMMA}

_COMMENT_STARTS = ("--", "/*", "#")
_FORBIDDEN = {
    ";": "unexpected ';': a formula is a single expression and cannot contain statements",
    '"': "double quotes are not allowed: write text in single quotes ('display') "
    "and names without quotes",
    "`": "backticks are not allowed: write names without quotes",
}


def tokenize(text: str) -> Iterator[Token]:
    """Yield the tokens of ``text``, ending with one ``END`` token.

    Raises:
        FormulaError: at the first character that cannot start a token.
    """
    position = 0
    while position < len(text):
        if match := _WHITESPACE.match(text, position):
            position = match.end()
            continue
        token = _scan(text, position)
        yield token
        position = token.end
    yield Token(TokenKind.END, "", "", len(text), len(text))


def _scan(text: str, position: int) -> Token:
    """Scan the one token that starts at ``position`` (never whitespace)."""
    character = text[position]
    if text.startswith(_COMMENT_STARTS, position):
        marker = next(m for m in _COMMENT_STARTS if text.startswith(m, position))
        raise FormulaError(
            f"comments ({marker!r}) are not allowed in a formula",
            text,
            position,
            position + len(marker),
        )
    if character == "'":
        return _scan_string(text, position)
    if character in _DIGITS or (character == "." and text[position + 1 : position + 2] in _DIGITS):
        return _scan_number(text, position)
    if match := _NAME.match(text, position):
        word = match.group()
        if word.lower() in KEYWORDS:
            return Token(TokenKind.KEYWORD, word.lower(), word, position, match.end())
        return Token(TokenKind.NAME, word, word, position, match.end())
    for spelling, operator in _OPERATORS.items():
        if text.startswith(spelling, position):
            end = position + len(spelling)
            return Token(TokenKind.OPERATOR, operator, spelling, position, end)
    if character in _PUNCTUATION:
        return Token(_PUNCTUATION[character], character, character, position, position + 1)
    if character == ".":
        return Token(TokenKind.DOT, ".", ".", position, position + 1)
    if character in _FORBIDDEN:
        raise FormulaError(_FORBIDDEN[character], text, position)
    raise FormulaError(f"unexpected character {character!r}", text, position)


def _scan_string(text: str, position: int) -> Token:
    """Scan a single-quoted string in which ``''`` stands for one quote."""
    pieces: list[str] = []
    cursor = position + 1
    while True:
        closing = text.find("'", cursor)
        if closing == -1:
            raise FormulaError(
                "unterminated string: close it with a single quote (write '' for a quote "
                "inside the text)",
                text,
                position,
                len(text),
            )
        pieces.append(text[cursor:closing])
        if text.startswith("''", closing):
            pieces.append("'")
            cursor = closing + 2
            continue
        end = closing + 1
        return Token(TokenKind.STRING, "".join(pieces), text[position:end], position, end)


def _scan_number(text: str, position: int) -> Token:
    """Scan a number; ``int`` unless it has a fraction or an exponent."""
    match = _NUMBER.match(text, position)
    assert match is not None  # the caller saw a digit, or a dot followed by a digit
    end = match.end()
    if _NAME_CHARACTER.match(text, end):
        bad = text[position : end + 1]
        raise FormulaError(f"malformed number {bad!r}", text, position, end + 1)
    spelling = match.group()
    if len(spelling) > _MAX_NUMBER_LENGTH:
        raise FormulaError("number is too long", text, position, end)
    value: int | float = int(spelling) if spelling.isdigit() else float(spelling)
    if isinstance(value, float) and not math.isfinite(value):
        raise FormulaError(f"number {spelling!r} is too large", text, position, end)
    return Token(TokenKind.NUMBER, value, spelling, position, end)
