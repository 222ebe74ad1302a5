# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Normalised keys that recognise one customer written in several ways.

Pure functions (no Odoo import; company_region reads the database it is
given), used by the duplicate finder, the merge-aware import and customer
matching:

>>> name_key("Ştefan  IONESCU S.R.L.")
'ionescu stefan'
>>> name_key("Петров Иван ООД")
'ivan petrov'
>>> to_e164("0470 12 34 56", "BE")
'+32470123456'
"""
import functools
import re
import unicodedata

try:
    from anyascii import anyascii
except ImportError:  # pragma: no cover - declared in external_dependencies
    anyascii = None

try:
    import phonenumbers
except ImportError:  # pragma: no cover - declared in external_dependencies
    phonenumbers = None

# Legal forms, written as they are after folding (lower case ASCII, dots
# removed). A name made only of legal forms keeps them.
LEGAL_FORMS = frozenset("""
    ltd limited llc llp lp plc inc incorporated corp corporation co company cie
    gmbh mbh ag kg ohg ug ev gbr kgaa
    sa sas sasu sarl sarlu snc scs sca sci eurl
    sl slu sau srl srls spa sapa snc
    bv bvba nv vof cv commv sprl scrl
    ab aps as asa oy oyj hf
    kft zrt nyrt sro as doo dd ad ead ood eood et kd
    ooo zao oao pao ao ip
    pt tbk cv ud persero
    pte pty pvt sdn bhd berhad kk yk
    sp zoo spzoo
""".split())

# Legal forms in scripts without spaces between words: removed before
# transliteration, longest first.
CJK_LEGAL_FORMS = (
    "股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "集团", "集團", "公司",
    "株式会社", "有限会社", "合同会社",
)

_PUNCT_DROPPED = re.compile(r"[.'’`´]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(text):
    """Lower-case ASCII words of `text`: accents folded, every script
    transliterated to Latin (Cyrillic, Greek, Chinese...), punctuation
    dropped (``S.R.L.`` -> ``srl``), other separators to one space."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    if anyascii is not None:
        text = anyascii(text)
    else:  # pragma: no cover
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = _PUNCT_DROPPED.sub("", text.lower())
    return _NOT_WORD.sub(" ", text).strip()


def name_tokens(name):
    """The words of a customer name that identify it: folded, legal forms
    removed (unless nothing else is left), in alphabetical order so that
    'Petrov Ivan' and 'Ivan Petrov' give the same tokens."""
    if not name:
        return []
    text = unicodedata.normalize("NFKC", name)
    for form in CJK_LEGAL_FORMS:
        if form in text and text.replace(form, "").strip():
            text = text.replace(form, " ")
    tokens = fold(text).split()
    kept = [t for t in tokens if t not in LEGAL_FORMS]
    return sorted(kept or tokens)


def name_key(name):
    """One string per customer name, compared exactly (blocking) and by
    trigram similarity (scoring)."""
    return " ".join(name_tokens(name))


def city_key(city):
    return fold(city)


def email_key(email):
    """Emails are compared trimmed and lower-cased."""
    return (email or "").strip().lower()


def vat_key(vat):
    """'be 0477.472.701' -> 'BE0477472701'."""
    return re.sub(r"[^0-9A-Za-z]", "", vat or "").upper()


def company_region(env):
    """The country code of the user's company, the region of national phone
    numbers: one query, not the ORM's reads of the user, its company and the
    company's partner (every stored field of each, and the company's address
    computed: 9 ms of a 50 ms partner form)."""
    env.cr.execute("""
        SELECT c.code FROM res_users u
          JOIN res_company co ON co.id = u.company_id
          JOIN res_partner p ON p.id = co.partner_id
          JOIN res_country c ON c.id = p.country_id
         WHERE u.id = %s""", (env.uid,))
    row = env.cr.fetchone()
    return row[0] if row else None


# the numbers read last, each parsed once: a list's import reads a row's
# phones when it checks the row, when it matches it and when it creates the
# customer (phonenumbers: tens of microseconds a number); at most this many
# kept (a few tens of megabytes)
E164_CACHE = 131072


@functools.lru_cache(maxsize=E164_CACHE)
def to_e164(number, region=None):
    """'+49 30 1234567', '030 1234567' (region 'DE') -> '+49301234567'.

    Returns False when the text is not a possible phone number.
    """
    if not number or not phonenumbers:
        return False
    try:
        parsed = phonenumbers.parse(number, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_possible_number(parsed):
        return False
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
