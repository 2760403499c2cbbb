"""The text of the search index: overlapping two-character pieces (bigrams), and single characters.

Chinese has no spaces between words, so a word cannot be the unit of the index; a piece of two
characters can. "人口普查" is indexed as 人口 口普 普查 (in order, so a phrase finds it anywhere in a
sentence) and its characters 人 口 普 查 (so a one-character query such as 乡 finds it too). Both
databases hold the same pieces: SQLite in FTS5 (unicode61 keeps each piece as one token), PostgreSQL
in a `tsvector` of the same text (the `simple` configuration keeps them as they are).

Letters and digits are pieces like any character, so 收〔2026〕15号 is 收 2026 15 号 without its
brackets, and a phone number matches from its middle. Each whole run of digits 0–9 (after folding:
full-width ６ is 6) in the pieces kept is also a token of its own (第99999项 holds num99999): a query
whose number has another character on both sides (第99999项, 收〔2026〕15号) needs exactly that run in
the record too, and asks for its token besides the pieces — the same records, found through one rare
token instead of its pieces 第9 99 9项, each in thousands of titles. Pure Python; no Django.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

FIELD_BREAK = "brk0"  # between fields, so no phrase runs from one field into the next (pieces are ≤ 2 long)
SINGLES = "one0"  # the single characters follow the pieces after this
MAX_PIECES = 8000  # PostgreSQL keeps word positions up to 16,383
NUMBER = "num"  # a whole number's token is NUMBER and its digits (three letters: never a piece)
DIGITS = re.compile(r"[0-9]+")
LONG = 5  # digits: a whole number this long (a serial, a phone number) is in few records; a year is in many


def kind_token(kind: str) -> str:
    """The token that marks a record's kind in its text (longer than any piece, so never one of them)."""
    return "kind" + kind


def normalize(text: str) -> str:
    """Only the letters and digits of `text`, full-width folded to half-width, lower case."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def pieces(text: str) -> list[str]:
    """The overlapping two-character pieces of `text` in order (one piece if it is one character)."""
    chars = normalize(text)
    if len(chars) == 1:
        return [chars]
    return [chars[i : i + 2] for i in range(len(chars) - 1)]


def index_text(fields: Iterable[str], kind: str = "") -> str:
    """What is stored for a record: its kind's token, each field's pieces in order, then every distinct character."""
    out: list[str] = []
    singles: dict[str, None] = {}
    for field in fields:
        chars = normalize(field)
        if not chars:
            continue
        if out:
            out.append(FIELD_BREAK)
        out.extend(pieces(chars) if len(chars) > 1 else [])
        singles.update(dict.fromkeys(chars))
    out = out[:MAX_PIECES]
    return " ".join([*([kind_token(kind)] if kind else []), *out, SINGLES, *singles, *numbers(out)])


def numbers(indexed: list[str]) -> list[str]:
    """The token of every whole run of digits in the indexed pieces (fields apart), each once.

    Read from the pieces as stored, so an index written before the tokens existed gets the same ones
    (migration 0003 keeps a copy of this as it was) as a record indexed now.
    """
    fields: list[str] = [""]
    for piece in indexed:
        if piece == FIELD_BREAK:
            fields.append("")
        else:
            fields[-1] = fields[-1] + piece[-1] if fields[-1] else piece
    runs = dict.fromkeys(run for field in fields for run in DIGITS.findall(field))
    return [NUMBER + run for run in runs]


def query_terms(query: str) -> list[list[str]]:
    """A query as its words (split at spaces), each word as the pieces that must follow one another.

    A one-character word is that character alone; a word with nothing searchable in it is dropped.
    """
    words = []
    for word in query.split():
        chars = normalize(word)
        if chars:
            words.append([chars] if len(chars) == 1 else pieces(chars))
    return words


def whole_numbers(query: str) -> list[list[str]]:
    """The number tokens a query needs besides its pieces, each as a word of one piece.

    Each run of digits 0–9 in a word with another character on both sides (第99999项 → num99999) is the
    whole number in any record the word matches; a run at a word's edge may be part of a longer one there,
    so it asks for none.
    """
    tokens: dict[str, None] = {}
    for word in query.split():
        chars = normalize(word)
        for run in DIGITS.finditer(chars):
            if run.start() > 0 and run.end() < len(chars):
                tokens[NUMBER + run.group()] = None
    return [[token] for token in tokens]


def long_numbers(words: list[list[str]]) -> list[list[str]]:
    """The number tokens among `words` of LONG digits or more: rare enough for an index to look up alone."""
    return [w for w in words if len(w) == 1 and w[0].startswith(NUMBER) and len(w[0]) - len(NUMBER) >= LONG]


def fts5_query(words: list[list[str]]) -> str:
    """The SQLite FTS5 MATCH expression: every word a phrase of its pieces, all words required."""
    return " AND ".join('"' + " ".join(word) + '"' for word in words)


def tsquery(words: list[list[str]]) -> str:
    """The PostgreSQL tsquery: every word its pieces joined by <-> (followed by), all words required."""
    return " & ".join("(" + " <-> ".join(word) + ")" for word in words)


def initials(name: str) -> str:
    """The pinyin initials of a name, for finding people and units by them (王芳 → wf, 石门乡 → smx).

    From pypinyin's table of characters (a character's first reading; a name read otherwise, such as
    单 as Shàn, is missed — cheap rather than perfect). Letters and digits stay as they are.
    """
    from pypinyin.pinyin_dict import pinyin_dict

    out = []
    for ch in normalize(name):
        reading = pinyin_dict.get(ord(ch))
        if reading:
            out.append(unicodedata.normalize("NFKD", reading[0])[0].lower())
        elif ch.isascii():
            out.append(ch)
    return "".join(out)
