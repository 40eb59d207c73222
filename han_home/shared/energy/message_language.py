"""Which language a supplier's message is written in, so the display can mark it (WCAG
3.1.2, language of parts: a screen reader reads a Welsh message with a Welsh voice).

The SE Messaging cluster carries no language, and the supplier's text is shown as sent,
never translated. The language is found from the text: words that are common in one
language and rare in the other. "und" (undetermined, BCP 47) when the text does not say.
"""

from __future__ import annotations

import re

# Frequent short words and mutated forms; none of them is also a common word in the other.
WELSH = frozenset("""
yn y yr a ac ar am mae eich ein ni chi os gyda i'r o'r ydych ydy oes bydd fydd diolch
cysylltwch arnoch angen help eto neu ond hefyd gan wedi fel pan fod sy sydd ei eu dy
newydd tariff'r bil ynni nwy trydan heddiw yfory ddydd mis
""".split())
ENGLISH = frozenset("""
the and of to is are your you our we for with on at from this that will be it please
new starts thank contact us if need help bill energy gas electricity today tomorrow
""".split()) - {"help"}
WORD = re.compile(r"[a-zA-ZÀ-ÿŵŷŴŶ'’]+")


def message_language(text: str) -> str:
    """'cy', 'en' or 'und'."""
    words = [w.lower().replace("’", "'") for w in WORD.findall(text)]
    welsh = sum(w in WELSH for w in words) + sum(ch in text for ch in "ŵŷŴŶ")
    english = sum(w in ENGLISH for w in words)
    if welsh == english:
        return "und"
    return "cy" if welsh > english else "en"
