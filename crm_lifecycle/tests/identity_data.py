# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Labelled customer lists for the duplicate finder (tests and `make bench`).

`generate(n_entities, seed)` returns partner rows (dicts of res.partner
values plus `entity`, the true customer): every entity has one record, and
some have departmental copies written differently (typos, case, accents,
Cyrillic/Latin transliteration, phone formats, legal forms, swapped first
and last names, missing fields). Hard negatives are built in: colleagues
sharing their company's switchboard number and namesakes in other cities.
Deterministic for a seed; pure Python.
"""
import random

# per country: region, first names, last names, cities (city, zip prefix),
# legal forms, phone number pattern (national, international)
COUNTRIES = {
    "BE": dict(first=["Lucas", "Emma", "Noah", "Louise", "Arthur", "Olivia", "Jules", "Mila",
                      "Victor", "Elise", "Gilles", "Ines", "Maxime", "Lore", "Pieter", "Anouk"],
               last=["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes",
                     "Goossens", "Wouters", "De Smet", "Dubois", "Lambert", "Dupont", "Lemaire",
                     "Hermans", "Michiels", "Van Damme", "Desmet", "Leroy", "Renard"],
               cities=[("Bruxelles", "1000"), ("Antwerpen", "2000"), ("Gent", "9000"),
                       ("Liège", "4000"), ("Namur", "5000"), ("Leuven", "3000"),
                       ("Brugge", "8000"), ("Mons", "7000")],
               streets=["Rue de la Loi", "Meir", "Korenmarkt", "Rue Neuve", "Grote Markt",
                        "Avenue Louise", "Bondgenotenlaan", "Rue du Marché"],
               legal=["SA", "SRL", "BV", "NV", "SPRL", "BVBA"], phone=("0{a}", "+32 {a}")),
    "DE": dict(first=["Jürgen", "Anna", "Lukas", "Sophie", "Maximilian", "Marie", "Jonas",
                      "Lena", "Felix", "Hannah", "Björn", "Käthe", "Paul", "Greta"],
               last=["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
                     "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter",
                     "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann"],
               cities=[("Berlin", "10115"), ("München", "80331"), ("Köln", "50667"),
                       ("Hamburg", "20095"), ("Düsseldorf", "40213"), ("Stuttgart", "70173"),
                       ("Leipzig", "04109"), ("Nürnberg", "90402")],
               streets=["Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schillerstraße",
                        "Goethestraße", "Lindenallee", "Marktplatz", "Kirchweg"],
               legal=["GmbH", "AG", "GmbH & Co. KG", "KG", "UG"], phone=("0{a}", "+49 {a}")),
    "RO": dict(first=["Ştefan", "Ioana", "Andrei", "Mădălina", "Mihai", "Elena", "Răzvan",
                      "Cristina", "Bogdan", "Alexandra", "Tudor", "Irina"],
               last=["Popescu", "Ionescu", "Popa", "Constantinescu", "Dumitrescu", "Stan",
                     "Stoica", "Gheorghe", "Matei", "Ciobanu", "Rădulescu", "Munteanu",
                     "Şerban", "Toma", "Lungu", "Ţurcanu"],
               cities=[("Bucureşti", "010011"), ("Cluj-Napoca", "400001"), ("Iaşi", "700001"),
                       ("Timişoara", "300001"), ("Braşov", "500001"), ("Constanţa", "900001")],
               streets=["Strada Victoriei", "Bulevardul Unirii", "Strada Republicii",
                        "Calea Dorobanţilor", "Strada Mihai Eminescu", "Bulevardul Carol I"],
               legal=["SRL", "S.R.L.", "SA", "S.A."], phone=("0{a}", "+40 {a}")),
    "BG": dict(first=["Иван", "Мария", "Георги", "Елена", "Димитър", "Петя", "Николай",
                      "Десислава", "Стефан", "Цветелина", "Христо", "Милена"],
               last=["Иванов", "Петров", "Георгиев", "Димитров", "Николов", "Стоянов",
                     "Христов", "Тодоров", "Илиев", "Ангелов", "Попов", "Василев",
                     "Маринов", "Костов"],
               cities=[("София", "1000"), ("Пловдив", "4000"), ("Варна", "9000"),
                       ("Бургас", "8000"), ("Русе", "7000"), ("Стара Загора", "6000")],
               streets=["бул. Витоша", "ул. Граф Игнатиев", "бул. Цар Освободител",
                        "ул. Раковски", "бул. България", "ул. Шипка"],
               legal=["ООД", "ЕООД", "АД", "ЕАД"], phone=("0{a}", "+359 {a}")),
    "ID": dict(first=["Budi", "Siti", "Agus", "Dewi", "Rudi", "Putri", "Andi", "Rina",
                      "Hendra", "Wati", "Joko", "Ayu"],
               last=["Santoso", "Wijaya", "Saputra", "Hidayat", "Kusuma", "Pratama",
                     "Setiawan", "Nugroho", "Halim", "Susanto", "Gunawan", "Lestari"],
               cities=[("Jakarta", "10110"), ("Surabaya", "60111"), ("Bandung", "40111"),
                       ("Medan", "20111"), ("Semarang", "50111"), ("Makassar", "90111")],
               streets=["Jalan Sudirman", "Jalan Thamrin", "Jalan Gatot Subroto",
                        "Jalan Diponegoro", "Jalan Merdeka", "Jalan Asia Afrika"],
               legal=["PT", "PT Tbk", "CV", "UD"], phone=("0{a}", "+62 {a}")),
    "CN": dict(first=["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "军", "杰", "涛"],
               last=["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙"],
               cities=[("上海", "200000"), ("北京", "100000"), ("广州", "510000"),
                       ("深圳", "518000"), ("杭州", "310000"), ("成都", "610000")],
               streets=["南京路", "长安街", "中山路", "人民路", "解放路", "建设路"],
               legal=["有限公司", "股份有限公司", "有限责任公司"], phone=("0{a}", "+86 {a}")),
}
COMPANY_WORDS = ["Nova", "Atlas", "Orion", "Delta", "Vertex", "Apex", "Lumen", "Terra",
                 "Nexus", "Astra", "Polaris", "Zenith", "Quantum", "Summit", "Harbor",
                 "Cedar", "Falcon", "Granite", "Horizon", "Meridian", "Pioneer", "Sterling",
                 "Titan", "Vista", "Aurora", "Beacon", "Cobalt", "Ember", "Fusion", "Keystone"]
COMPANY_TRADES = ["Logistics", "Foods", "Systems", "Consulting", "Trading", "Textiles",
                  "Energy", "Motors", "Pharma", "Media", "Builders", "Electronics"]
CN_COMPANY = ["华新", "东方", "长城", "星辰", "远航", "金桥", "盛世", "博远", "恒通", "宏达"]
CN_TRADE = ["科技", "贸易", "物流", "食品", "电子", "建设"]
# a few Latin spellings of Cyrillic names, as another department writes them
BG_LATIN = {"Иван": "Ivan", "Мария": "Maria", "Георги": "Georgi", "Елена": "Elena",
            "Димитър": "Dimitar", "Петя": "Petya", "Николай": "Nikolay",
            "Десислава": "Desislava", "Стефан": "Stefan", "Цветелина": "Tsvetelina",
            "Христо": "Hristo", "Милена": "Milena", "Иванов": "Ivanov", "Петров": "Petrov",
            "Георгиев": "Georgiev", "Димитров": "Dimitrov", "Николов": "Nikolov",
            "Стоянов": "Stoyanov", "Христов": "Hristov", "Тодоров": "Todorov",
            "Илиев": "Iliev", "Ангелов": "Angelov", "Попов": "Popov", "Василев": "Vasilev",
            "Маринов": "Marinov", "Костов": "Kostov"}
STRIP_ACCENTS = str.maketrans("ăâîşţșțäöüéèáíóúÄÖÜŞŢȘȚĂÂÎ",
                              "aaisstsaoueeaiouAOUSTSTAAI")


def _typo(rng, word):
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(("swap", "drop", "double", "replace"))
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op == "drop":
        return word[:i] + word[i + 1:]
    if op == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeiourstn") + word[i + 1:]


def _phone_text(rng, country, digits, international):
    spaced = " ".join(digits[i:i + 3] for i in range(0, len(digits), 3))
    national, intl = COUNTRIES[country]["phone"]
    form = intl if international else national
    text = form.format(a=rng.choice([digits, spaced, spaced.replace(" ", "-"),
                                     spaced.replace(" ", ".")]))
    if international and rng.random() < 0.3:
        text = text.replace("+", "00", 1)
    return text


class _Entity(object):
    def __init__(self, rng, eid, country, company):
        c = COUNTRIES[country]
        self.eid, self.country, self.is_company = eid, country, company
        self.city, zip_prefix = rng.choice(c["cities"])
        self.zip = zip_prefix
        self.street = "%s %d" % (rng.choice(c["streets"]), rng.randint(1, 250))
        self.digits = "%d%08d" % (rng.randint(2, 9), rng.randrange(10 ** 8))
        if company:
            if country == "CN":
                self.words = [rng.choice(CN_COMPANY) + rng.choice(CN_TRADE)]
            else:
                self.words = [rng.choice(COMPANY_WORDS), rng.choice(COMPANY_TRADES)]
            self.legal = rng.choice(c["legal"])
            self.vat = ("%s%010d" % (country, rng.randrange(10 ** 10))
                        if rng.random() < 0.7 else "")
            slug = "".join(w.lower() for w in self.words if w.isascii()) or "co%d" % eid
            self.email = "info%d@%s.example" % (eid, slug)
        else:
            self.first, self.last = rng.choice(c["first"]), rng.choice(c["last"])
            self.words, self.legal, self.vat = None, "", ""
            self.email = "%s.%s%d@mail.example" % (
                "p", "x", eid) if country in ("CN", "BG") else "%s.%s%d@mail.example" % (
                self.first.lower().translate(STRIP_ACCENTS),
                self.last.lower().translate(STRIP_ACCENTS).replace(" ", ""), eid)

    def name(self, swap=False, latin=False):
        if self.is_company:
            if self.country == "CN":
                return self.words[0] + self.legal
            if self.legal == "PT":
                return "PT " + " ".join(self.words)
            return " ".join(self.words) + " " + self.legal
        first, last = self.first, self.last
        if latin:
            first, last = BG_LATIN.get(first, first), BG_LATIN.get(last, last)
        if self.country == "CN":
            return last + first
        return "%s %s" % ((last, first) if swap else (first, last))

    def record(self, rng):
        return {"name": self.name(), "email": self.email,
                "phone": _phone_text(rng, self.country, self.digits, rng.random() < 0.5),
                "vat": self.vat, "street": self.street, "city": self.city, "zip": self.zip,
                "country_code": self.country, "is_company": self.is_company,
                "entity": self.eid}

    def variant(self, rng):
        """The same customer as another department typed it."""
        rec = self.record(rng)
        changes = rng.sample(["typo", "case", "accents", "swap", "legal", "email", "phone",
                              "drop_email", "drop_phone", "drop_vat", "translit"],
                             rng.randint(1, 3))
        name = rec["name"]
        if "swap" in changes and not self.is_company:
            name = self.name(swap=True)
        if "translit" in changes and self.country == "BG" and not self.is_company:
            name = self.name(swap="swap" in changes, latin=True)
        if "legal" in changes and self.is_company and self.country != "CN":
            name = name.replace(self.legal, rng.choice(
                COUNTRIES[self.country]["legal"] + [""])).strip()
        if "typo" in changes and self.country != "CN":
            words = name.split()
            i = max(range(len(words)), key=lambda k: len(words[k]))
            words[i] = _typo(rng, words[i])
            name = " ".join(words)
        if "case" in changes:
            name = rng.choice([name.upper(), name.lower(), name.title()])
        if "accents" in changes:
            name = name.translate(STRIP_ACCENTS)
            rec["city"] = rec["city"].translate(STRIP_ACCENTS)
            rec["street"] = rec["street"].translate(STRIP_ACCENTS)
        rec["name"] = name
        if "email" in changes:
            rec["email"] = rng.choice([rec["email"].upper(), " %s " % rec["email"]])
        if "drop_email" in changes:
            rec["email"] = ""
        if "drop_phone" in changes:
            rec["phone"] = ""
        if "drop_vat" in changes:
            rec["vat"] = ""
        if rng.random() < 0.3:
            rec["street"] = ""
        return rec


def generate(n_entities, seed=0, dup_share=0.3):
    """Partner rows for n_entities customers; about dup_share of them get one
    or two departmental copies. Row order is shuffled."""
    rng = random.Random(seed)
    rows = []
    entities = []
    countries = sorted(COUNTRIES)
    for eid in range(1, n_entities + 1):
        ent = _Entity(rng, eid, rng.choice(countries), rng.random() < 0.4)
        entities.append(ent)
        rows.append(ent.record(rng))
        if rng.random() < dup_share:
            for _i in range(rng.choice((1, 1, 1, 2))):
                rows.append(ent.variant(rng))
    # hard negatives, each a customer of its own
    eid = n_entities
    for ent in rng.sample(entities, max(1, n_entities // 20)):
        if not ent.is_company:
            continue
        # colleagues giving their company's switchboard number
        for _i in range(rng.randint(2, 4)):
            eid += 1
            c = COUNTRIES[ent.country]
            first, last = rng.choice(c["first"]), rng.choice(c["last"])
            rows.append({"name": "%s %s" % (first, last), "email": "",
                         "phone": _phone_text(rng, ent.country, ent.digits, True),
                         "vat": "", "street": ent.street, "city": ent.city, "zip": ent.zip,
                         "country_code": ent.country, "is_company": False, "entity": eid})
    for ent in rng.sample(entities, max(1, n_entities // 20)):
        if ent.is_company:
            continue
        # a namesake in another city
        others = [c for c in COUNTRIES[ent.country]["cities"] if c[0] != ent.city]
        eid += 1
        twin = _Entity(rng, eid, ent.country, False)
        twin.first, twin.last = ent.first, ent.last
        twin.city, twin.zip = rng.choice(others)
        rows.append(twin.record(rng))
    rng.shuffle(rows)
    return rows


def true_pairs(rows, ids):
    """Pairs (a, b), a < b, of ids whose rows are one customer."""
    by_entity = {}
    for row, pid in zip(rows, ids):
        by_entity.setdefault(row["entity"], []).append(pid)
    pairs = set()
    for members in by_entity.values():
        members = sorted(members)
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                pairs.add((a, b))
    return pairs


def precision_recall(found, truth):
    found, truth = set(found), set(truth)
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    return precision, recall


def load(env, rows, fast=False):
    """Create the rows as partners; returns their ids in row order.

    fast=False goes through the ORM (what a user or an import does);
    fast=True inserts in one statement and fills the phone and identity
    keys set-based (for tens of thousands of rows in `make bench`).
    """
    from psycopg2 import sql

    from ..compat import CUSTOMER_COLUMN, PARTNER_NAME_COLUMN, customer_vals, invalidate_all
    countries = {c.code: c.id for c in env["res.country"].search([])}
    if not fast:
        Partner = env["res.partner"].with_context(tracking_disable=True)
        return [Partner.create({
            "name": r["name"], "email": r["email"] or False, "phone": r["phone"] or False,
            "vat": r["vat"] or False, "street": r["street"] or False, "city": r["city"],
            "zip": r["zip"], "country_id": countries[r["country_code"]],
            "is_company": r["is_company"], **customer_vals()}).id for r in rows]
    cr = env.cr
    customer_column, customer_value = CUSTOMER_COLUMN
    fixed = {PARTNER_NAME_COLUMN: None, customer_column: customer_value, "active": True,
             "type": "contact", "company_id": env.user.company_id.id, "lang": "en_US"}
    # the other columns that may not be NULL (selections of the modules
    # installed: invoice_warn, sale_warn; 18 adds more): their ORM defaults
    cr.execute("""SELECT column_name FROM information_schema.columns
                   WHERE table_schema = current_schema() AND table_name = 'res_partner'
                     AND is_nullable = 'NO' AND column_default IS NULL""")
    given = {"id", "name", "email", "phone", "vat", "street", "city", "zip", "country_id",
             "is_company", "create_date", "write_date", "create_uid", "write_uid"}
    required = sorted({r[0] for r in cr.fetchall()} - given - set(fixed))
    fixed.update(env["res.partner"].default_get(required))
    columns = sorted(fixed)
    query = sql.SQL("""
        INSERT INTO res_partner (name, email, phone, vat, street, city, zip, country_id,
                                 is_company, create_date, write_date, create_uid, write_uid,
                                 {columns})
        SELECT v.name, nullif(v.email, ''), nullif(v.phone, ''), nullif(v.vat, ''),
               nullif(v.street, ''), v.city, v.zip, v.country_id, v.is_company,
               now(), now(), 1, 1, {values}
          FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[], %s::varchar[],
                      %s::varchar[], %s::varchar[], %s::varchar[], %s::int[], %s::bool[])
               WITH ORDINALITY v(name, email, phone, vat, street, city, zip, country_id,
                                 is_company, n)
         ORDER BY v.n
        RETURNING id
    """).format(
        columns=sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        # the stored full name is the name; the rest are constants
        values=sql.SQL(", ").join(sql.SQL("v.name") if c == PARTNER_NAME_COLUMN
                                  else sql.Literal(fixed[c]) for c in columns))
    cr.execute(query, (
        [r["name"] for r in rows], [r["email"] for r in rows],
        [r["phone"] for r in rows], [r["vat"] for r in rows], [r["street"] for r in rows],
        [r["city"] for r in rows], [r["zip"] for r in rows],
        [countries[r["country_code"]] for r in rows], [r["is_company"] for r in rows]))
    ids = sorted(r[0] for r in cr.fetchall())  # serial ids follow the insert order
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", (ids,))
    env["res.partner"]._identity_fill_keys(ids)
    env["res.partner"]._identity_fill_phones(ids)
    invalidate_all(env)
    return ids
