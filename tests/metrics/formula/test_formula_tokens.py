"""The tokenizer: normalised values, source spelling and positions."""

from __future__ import annotations

from kpibridge.metrics.formula.tokens import TokenKind, tokenize


def test_tokens_are_normalised_but_keep_their_spelling() -> None:
    text = "NOT a.b <> 'it''s' == 2.5e1"
    tokens = list(tokenize(text))
    assert [(token.kind, token.value, token.text) for token in tokens] == [
        (TokenKind.KEYWORD, "not", "NOT"),
        (TokenKind.NAME, "a", "a"),
        (TokenKind.DOT, ".", "."),
        (TokenKind.NAME, "b", "b"),
        (TokenKind.OPERATOR, "!=", "<>"),
        (TokenKind.STRING, "it's", "'it''s'"),
        (TokenKind.OPERATOR, "=", "=="),
        (TokenKind.NUMBER, 25.0, "2.5e1"),
        (TokenKind.END, "", ""),
    ]
    assert all(text[token.start : token.end] == token.text for token in tokens)


def test_tokenizer_is_lazy() -> None:
    """Tokens before a bad character are produced, so the parser reports the leftmost error."""
    tokens = tokenize("a ) ;")
    assert next(tokens).value == "a"
    assert next(tokens).kind is TokenKind.RPAREN
