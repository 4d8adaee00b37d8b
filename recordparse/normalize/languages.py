"""Languages: names (``English``, ``Deutsch``), ISO 639-1/-2B/-2T/-3 codes -> BCP 47 tags.

BCP 47 uses the shortest ISO 639 code, so ``eng``, ``EN`` and ``English`` all become ``en``;
a three-letter code with no two-letter equivalent stays three letters (``haw``). Region and
script subtags are kept (``pt-BR``, ``zh-Hant``).
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["to_bcp47"]

# 639-1, 639-2/B, 639-2/T (when it differs), then names (English first, then native forms).
_TABLE = """
af afr - Afrikaans
am amh - Amharic
ar ara - Arabic|العربية
az aze - Azerbaijani|Azərbaycan
be bel - Belarusian
bg bul - Bulgarian|български
bn ben - Bengali|Bangla
bs bos - Bosnian|bosanski
ca cat - Catalan|català|Valencian
cs cze ces Czech|čeština|cesky
cy wel cym Welsh|Cymraeg
da dan - Danish|dansk
de ger deu German|Deutsch
el gre ell Greek|Greek, Modern (1453-)|Modern Greek|ελληνικά
en eng - English
eo epo - Esperanto
es spa - Spanish|Castilian|español|espanol|castellano
et est - Estonian|eesti
eu baq eus Basque|euskara
fa per fas Persian|Farsi|فارسی
fi fin - Finnish|suomi
fr fre fra French|français|francais
ga gle - Irish|Gaeilge
gd gla - Scottish Gaelic|Gaelic|Gàidhlig
gl glg - Galician|galego
he heb - Hebrew|עברית
hi hin - Hindi|हिन्दी
hr hrv - Croatian|hrvatski
hu hun - Hungarian|magyar
hy arm hye Armenian|Հայերեն
id ind - Indonesian|Bahasa Indonesia
is ice isl Icelandic|íslenska
it ita - Italian|italiano
ja jpn - Japanese|日本語
ka geo kat Georgian|ქართული
kk kaz - Kazakh|қазақ тілі
km khm - Khmer|Central Khmer
ko kor - Korean|한국어
ku kur - Kurdish
ky kir - Kyrgyz|Kirghiz
la lat - Latin|latina
lt lit - Lithuanian|lietuvių
lv lav - Latvian|latviešu
mk mac mkd Macedonian|македонски
ml mal - Malayalam
mn mon - Mongolian
mr mar - Marathi
ms may msa Malay|Bahasa Melayu
mt mlt - Maltese|Malti
my bur mya Burmese
ne nep - Nepali
nl dut nld Dutch|Flemish|Nederlands
nn nno - Norwegian Nynorsk|nynorsk
nb nob - Norwegian Bokmål|bokmål
no nor - Norwegian|norsk
pa pan - Panjabi|Punjabi
pl pol - Polish|polski
ps pus - Pashto|Pushto
pt por - Portuguese|português|portugues
ro rum ron Romanian|Moldavian|română|romana
ru rus - Russian|русский
si sin - Sinhala|Sinhalese
sk slo slk Slovak|slovenčina
sl slv - Slovenian|Slovene|slovenščina
so som - Somali
sq alb sqi Albanian|shqip
sr srp - Serbian|српски|srpski
sv swe - Swedish|svenska
sw swa - Swahili|Kiswahili
ta tam - Tamil
te tel - Telugu
tg tgk - Tajik
th tha - Thai|ไทย
tk tuk - Turkmen
tl tgl - Tagalog|Filipino
tr tur - Turkish|Türkçe|turkce
uk ukr - Ukrainian|українська
ur urd - Urdu|اردو
uz uzb - Uzbek|oʻzbekcha
vi vie - Vietnamese|Tiếng Việt
yo yor - Yoruba
zh chi zho Chinese|中文|汉语|漢語
zu zul - Zulu|isiZulu
"""


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c)).strip()


_BY_KEY: dict[str, str] = {}
for _line in _TABLE.strip().splitlines():
    _two, _b, _t, _names = _line.split(" ", 3)
    for _key in (_two, _b, _t, *_names.split("|")):
        if _key != "-":
            _BY_KEY[_fold(_key)] = _two
# Codes and names seen in repository data that the table above does not spell.
_BY_KEY.update({"iw": "he", "in": "id", "ji": "yi", "mul": "mul", "und": "und", "zxx": "zxx"})

_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{4}))?(?:[-_]([A-Za-z]{2}|\d{3}))?$")


def to_bcp47(value: object) -> str | None:
    """The BCP 47 tag for a language name or code, or None when it is not recognisable.

    >>> [to_bcp47(v) for v in ("English", "eng", "EN", "ger", "deu", "pt_BR", "haw")]
    ['en', 'en', 'en', 'de', 'de', 'pt-BR', 'haw']
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    return _bcp47(text)


_PARTS = re.compile(r"[;,/()]| and ")


@functools.lru_cache(maxsize=2048)
def _bcp47(text: str) -> str | None:
    """:func:`to_bcp47` of a stripped, non-empty text (memoised: a harvest has few languages)."""
    key = _fold(text)
    if key in _BY_KEY:
        return _BY_KEY[key]
    match = _TAG.match(text)
    if match:
        primary = match.group(1).lower()
        primary = _BY_KEY.get(primary, primary)
        tag = primary
        if match.group(2):
            tag += "-" + match.group(2).title()
        if match.group(3):
            tag += "-" + match.group(3).upper()
        if len(match.group(1)) == 3 and primary == match.group(1).lower() and not match.group(2) and not match.group(3):
            # an unknown three-letter code: keep it only when it looks like a code, not a word
            return primary if text.islower() or text.isupper() else None
        return tag
    # "English (United States)", "Portuguese; English": the first name we know
    for part in _PARTS.split(text):
        k = _fold(part)
        if k in _BY_KEY:
            return _BY_KEY[k]
    return None
