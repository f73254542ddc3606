"""Words the engine listens for in one situation only (``data/words.yaml``): a retry after a
platform step failed, the language named after the "language" command, a request for a language
inside a longer message, acknowledgements (好的 / 知道了: no fact), the particles that end an
answer (三级吧), and the words that name the seller or the buyer.

>>> words = Words.load()
>>> words.is_retry("再试一次！"), words.is_retry("再试试别的")
(True, False)
>>> words.language_named("切换到 English"), words.language_named("繁體中文"), words.language_named("简体")
('en', 'zh-Hant', 'zh')
>>> words.language_named("日本語") is None
True
>>> words.language_requested("I don't read Chinese. Please answer in English."), words.language_requested("請用繁體")
('en', 'zh-Hant')
>>> words.is_acknowledgement("嗯嗯，好的，我知道了"), words.is_acknowledgement("OK"), words.is_acknowledgement("是的")
(True, True, False)
>>> words.strip_particles("三级吧。"), words.strip_particles("吧")
('三级', '吧')
>>> words.parties_named("买家也是个人，本地人"), words.parties_named("The seller is from Hong Kong")
({'buyer'}, {'seller'})
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from .commands import CommandTable
from .data import DATA_DIR, DataError, _strings, read_yaml
from .normalize import normalize_text

WORDS_FILE = "words.yaml"
LANGUAGES = ("en", "zh-Hant", "zh")
PARTIES = ("seller", "buyer")
_FILLER = re.compile(r"[\s,.!?;:，。！？；：、~～…'\"“”()（）]+")


def _found(text: str, name: str) -> bool:
    """``name`` in the normalised ``text``: a whole word for Latin names."""
    if name.isascii():
        return re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", text) is not None
    return name in text


class Words:
    def __init__(
        self,
        retry: Sequence[str],
        language_names: Mapping[str, Sequence[str]],
        *,
        language_requests: Mapping[str, Sequence[str]] | None = None,
        acknowledgements: Sequence[str] = (),
        answer_particles: Sequence[str] = (),
        parties: Mapping[str, Sequence[str]] | None = None,
        information: Sequence[str] = (),
        requests: Sequence[str] = (),
    ) -> None:
        self._retry = CommandTable({"retry": retry})  # whole message, give or take punctuation
        self._names = [(lang, [normalize_text(n) for n in names]) for lang, names in language_names.items()]
        self._requests = [
            (lang, [n for n in (normalize_text(x) for x in names) if n])
            for lang, names in (language_requests or {}).items()
        ]
        # longest first, so that 我知道了 goes before 知道
        self._acks = sorted({a for a in map(normalize_text, acknowledgements) if a}, key=len, reverse=True)
        self._particles = "".join(sorted({p for p in map(normalize_text, answer_particles) if len(p) == 1}))
        self._parties = {
            party: [n for n in (normalize_text(x) for x in names) if n]
            for party, names in (parties or {}).items()
        }
        self._information = [n for n in (normalize_text(x) for x in information) if n]
        self._requests_to_do = [n for n in (normalize_text(x) for x in requests) if n]

    def is_retry(self, text: str) -> bool:
        """The whole message asks to try again."""
        return self._retry.match(text) is not None

    def language_named(self, text: str) -> str | None:
        """The language the message names (``en``, ``zh-Hant``, ``zh``), if any."""
        low = normalize_text(text)
        for lang, names in self._names:
            if any(name and name in low for name in names):
                return lang
        return None

    def language_requested(self, text: str) -> str | None:
        """The language a message explicitly asks to be answered in ("please answer in English")."""
        low = normalize_text(text)
        for lang, phrases in self._requests:
            if any(_found(low, phrase) for phrase in phrases):
                return lang
        return None

    def is_acknowledgement(self, text: str) -> bool:
        """The whole message only acknowledges (好的 / 嗯嗯，知道了 / OK): it states no fact."""
        rest = _FILLER.sub(" ", normalize_text(text))
        if not rest.strip() or not self._acks:
            return False
        for ack in self._acks:
            if ack.isascii():
                rest = re.sub(rf"(?<![a-z0-9]){re.escape(ack)}(?![a-z0-9])", " ", rest)
            else:
                rest = rest.replace(ack, " ")
        rest = rest.replace(" ", "")
        return not rest.strip(self._particles + "我")

    def strip_particles(self, text: str) -> str:
        """``text`` without the particles and punctuation at its end (三级吧。 -> 三级), unless nothing is left."""
        stripped = text.strip()
        while True:
            bare = _FILLER.sub("", stripped[-1:]) if stripped else ""
            if stripped and (not bare or bare in self._particles) and len(stripped) > 1:
                stripped = stripped[:-1].rstrip()
                continue
            return stripped or text

    def parties_named(self, text: str) -> set[str]:
        """The parties (``seller``, ``buyer``) the message names."""
        low = normalize_text(text)
        return {party for party, names in self._parties.items() if any(_found(low, n) for n in names)}

    def asks_for_information(self, text: str) -> bool:
        """The message asks to know something (几种情况, 区别, 在哪下载, what is …) rather than to do
        it: the FAQ answers it first, and the process is offered."""
        low = normalize_text(text)
        if any(_found(low, marker) for marker in self._requests_to_do):  # 能不能帮我查一下: a wish
            return False
        return any(_found(low, marker) for marker in self._information)

    @classmethod
    def load(cls, folder: Path = DATA_DIR) -> Words:
        raw = read_yaml(folder / WORDS_FILE)
        if not isinstance(raw, dict) or not isinstance(raw.get("language_names"), dict):
            raise DataError(f"{folder / WORDS_FILE}: expected 'retry' and a mapping 'language_names'")
        names = raw["language_names"]
        unknown = sorted(set(names) - set(LANGUAGES))
        if unknown:
            raise DataError(f"{WORDS_FILE}: language_names: unknown language(s) {unknown}")
        requests = raw.get("language_requests") or {}
        parties = raw.get("parties") or {}
        if not isinstance(requests, dict) or not isinstance(parties, dict):
            raise DataError(f"{folder / WORDS_FILE}: 'language_requests' and 'parties' must be mappings")
        unknown = sorted(set(requests) - set(LANGUAGES)) + sorted(set(parties) - set(PARTIES))
        if unknown:
            raise DataError(f"{WORDS_FILE}: unknown language(s) or part(ies) {unknown}")
        return cls(
            _strings(raw.get("retry"), f"{WORDS_FILE}: retry"),
            {lang: _strings(items, f"{WORDS_FILE}: language_names.{lang}") for lang, items in names.items()},
            language_requests={
                lang: _strings(items, f"{WORDS_FILE}: language_requests.{lang}")
                for lang, items in requests.items()
            },
            acknowledgements=_strings(raw.get("acknowledgements", []), f"{WORDS_FILE}: acknowledgements"),
            answer_particles=_strings(raw.get("answer_particles", []), f"{WORDS_FILE}: answer_particles"),
            parties={
                party: _strings(items, f"{WORDS_FILE}: parties.{party}") for party, items in parties.items()
            },
            information=_strings(raw.get("information", []), f"{WORDS_FILE}: information"),
            requests=_strings(raw.get("requests", []), f"{WORDS_FILE}: requests"),
        )
