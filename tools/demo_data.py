"""Generate a realistic demo company in an Odoo 11 database.

A music retailer with two sales teams, about 3,000 customers (companies with
1-3 contacts, and private persons) in eight countries, a product catalogue,
and three years of confirmed sale orders whose dates and amounts are the
CDNOW purchase history shipped in the `lifetimes` wheel (a cohort of CDNOW
customers, each mapped onto one generated customer, with its history moved
to end in the last few years).

Deterministic for a given seed and date. Set-based: partners, orders and
order lines are written with a few multi-row INSERTs, not one ORM call per
record. Usage (from the project's venv):

    python tools/demo_data.py -c .local/odoo.conf -d crm_lifecycle_demo
"""
import argparse
import collections
import datetime
import os
import random
import sys
import unicodedata
import uuid

SEED = 20261125
SAMPLE_EVERY = 8            # one CDNOW customer in 8: ~2,950 customers
SNAPSHOT_MONTHS = 6         # monthly segment snapshots kept by the demo
COMPANY_SHARE = 0.3         # share of customers that are companies
COHORT_SHIFT_DAYS = (0, 182, 365, 547)       # histories moved back by cohort
COHORT_WEIGHTS = (0.4, 0.25, 0.2, 0.15)
CDNOW_END = datetime.date(1998, 6, 30)
# customers of these countries buy in euros (a pricelist in EUR); the company
# keeps its own currency, and the euro gets a rate a month (company rates)
EURO_COUNTRIES = ("DE", "FR")
VAT_PERCENT = 20.0          # every order line carries a sales tax added to its price

COUNTRIES = {
    # code: (weight, phone prefix, cities, first names, last names, legal forms, email tld)
    "DE": (16, "+49", [("Berlin", "10115"), ("Hamburg", "20095"), ("Munich", "80331"),
                       ("Cologne", "50667"), ("Leipzig", "04109")],
           ["Anna", "Lukas", "Sophie", "Jonas", "Marie", "Felix", "Lena", "Paul", "Hannah", "Max",
            "Katrin", "Stefan", "Julia", "Tobias", "Sabine", "Matthias", "Clara", "Jürgen"],
           ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
            "Hoffmann", "Schulz", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Braun"],
           ["GmbH", "AG", "KG"], "de"),
    "FR": (12, "+33", [("Paris", "75001"), ("Lyon", "69001"), ("Marseille", "13001"),
                       ("Toulouse", "31000"), ("Nantes", "44000")],
           ["Camille", "Louis", "Chloé", "Hugo", "Léa", "Arthur", "Manon", "Jules", "Inès",
            "Gabriel", "Juliette", "Raphaël", "Céline", "Mathieu", "Élodie", "Antoine"],
           ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy",
            "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garnier", "Faure", "Rousseau"],
           ["SARL", "SA", "SAS"], "fr"),
    "GB": (14, "+44", [("London", "EC1A 1BB"), ("Manchester", "M1 1AE"),
                       ("Bristol", "BS1 4DJ"), ("Leeds", "LS1 1UR"), ("Glasgow", "G1 1XQ")],
           ["Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Emily", "Charlotte",
            "Thomas", "Grace", "William", "Sophie", "Henry", "Lucy", "Alfie"],
           ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Davies",
            "Thomas", "Roberts", "Walker", "Wright", "Hughes", "Green", "Hall", "Wood"],
           ["Ltd", "PLC", "LLP"], "co.uk"),
    "US": (18, "+1", [("New York", "10001"), ("Chicago", "60601"), ("Austin", "73301"),
                      ("Seattle", "98101"), ("Boston", "02108")],
           ["James", "Olivia", "Michael", "Emma", "David", "Mia", "Daniel", "Sophia", "Ethan",
            "Abigail", "Matthew", "Madison", "Joshua", "Chloe", "Andrew", "Natalie"],
           ["Johnson", "Miller", "Davis", "Garcia", "Rodriguez", "Martinez", "Clark", "Lewis",
            "Anderson", "Jackson", "White", "Harris", "Young", "King", "Scott", "Baker"],
           ["Inc.", "LLC", "Corp."], "com"),
    "RO": (10, "+40", [("Bucharest", "010011"), ("Cluj-Napoca", "400001"), ("Iași", "700028"),
                       ("Timișoara", "300002")],
           ["Andrei", "Elena", "Mihai", "Ioana", "Alexandru", "Maria", "Ștefan", "Ana", "Cristina",
            "Bogdan", "Raluca", "Vlad", "Irina", "Adrian", "Simona", "Radu"],
           ["Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Gheorghe", "Munteanu",
            "Constantin", "Marin", "Matei", "Ciobanu", "Florea", "Rusu", "Lungu", "Diaconu"],
           ["SRL", "SA"], "ro"),
    "BG": (10, "+359", [("Sofia", "1000"), ("Plovdiv", "4000"), ("Varna", "9000"),
                        ("Burgas", "8000")],
           ["Georgi", "Maria", "Ivan", "Elena", "Dimitar", "Desislava", "Nikolay", "Yana",
            "Petar", "Ralitsa", "Stoyan", "Tsvetelina", "Hristo", "Milena", "Kaloyan", "Vesela"],
           ["Ivanov", "Petrov", "Georgiev", "Dimitrov", "Nikolov", "Stoyanov", "Todorov",
            "Hristov", "Angelov", "Kolev", "Marinov", "Popov", "Iliev", "Yordanov"],
           ["OOD", "EOOD", "AD"], "bg"),
    "ID": (10, "+62", [("Jakarta", "10110"), ("Surabaya", "60111"), ("Bandung", "40111"),
                       ("Medan", "20111")],
           ["Budi", "Siti", "Agus", "Dewi", "Rizki", "Putri", "Andi", "Ayu", "Indra", "Fitri",
            "Hendra", "Ratna", "Yusuf", "Wulan", "Bayu", "Intan"],
           ["Santoso", "Wijaya", "Kusuma", "Hidayat", "Saputra", "Pratama", "Halim",
            "Setiawan", "Gunawan", "Nugroho", "Siregar", "Lubis", "Tanjung", "Susanto"],
           ["PT", "CV"], "co.id"),
    "CN": (10, "+86", [("Shanghai", "200000"), ("Beijing", "100000"), ("Shenzhen", "518000"),
                       ("Hangzhou", "310000")],
           ["Wei", "Fang", "Lei", "Jing", "Yang", "Min", "Hao", "Xiu", "Jun", "Li", "Ming",
            "Yan", "Tao", "Hui", "Qiang", "Xin"],
           ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
            "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo"],
           ["Co., Ltd.", "Trading Co."], "cn"),
}
STREETS = ["Main Street", "Market Square", "Station Road", "Park Avenue", "Church Lane",
           "Harbour Road", "Mill Street", "Garden Row", "Riverside", "High Street"]
COMPANY_WORDS = ["Sound", "Vinyl", "Harmony", "Echo", "Melody", "Rhythm", "Groove",
                 "Studio", "Records", "Audio", "Tempo", "Encore", "Crescendo", "Beat"]
COMPANY_KINDS = ["Music", "Media", "Events", "Radio", "Hotels", "Cafés", "Retail", "Bars"]
FUNCTIONS = ["Purchasing Manager", "Owner", "Office Manager", "Music Director",
             "Buyer", "Events Coordinator"]
CATALOGUE = {
    # category: [(product, list price)]
    "Rock & Pop": [("Greatest Hits Collection", 14.99), ("Live at the Arena", 16.99),
                   ("Summer Anthems", 12.99), ("Unplugged Sessions", 13.99),
                   ("Debut Album Remastered", 11.99)],
    "Jazz": [("Blue Notes at Midnight", 15.99), ("Bebop Essentials", 13.49),
             ("Smooth Jazz Lounge", 12.49), ("Big Band Swing", 14.49)],
    "Classical": [("Four Seasons", 11.49), ("Complete Symphonies Box", 49.99),
                  ("Piano Concertos", 16.49), ("Opera Highlights", 18.99)],
    "Electronic": [("Club Classics", 13.99), ("Ambient Landscapes", 12.99),
                   ("Techno Underground", 14.99)],
    "World Music": [("Sounds of the Balkans", 13.99), ("Gamelan Traditions", 15.49),
                    ("Latin Fiesta", 12.99), ("Silk Road Melodies", 14.99)],
    "Vinyl": [("Classic Album on Vinyl", 24.99), ("Limited Edition LP", 34.99),
              ("Double LP Anniversary", 39.99)],
    "Accessories": [("Headphones Studio Pro", 89.00), ("CD Storage Case", 19.90),
                    ("Turntable Cleaning Kit", 14.90), ("Bluetooth Speaker", 59.00)],
    "Gift Cards": [("Gift Card 25", 25.00), ("Gift Card 50", 50.00)],
}


# ------------------------------------------------------------- pure part
def cdnow_path():
    import lifetimes.datasets
    return os.path.join(os.path.dirname(lifetimes.datasets.__file__), "CDNOW_master.txt")


def load_cdnow(path=None):
    """CDNOW purchases as {customer id: [(date, n_cds, dollars), ...]}."""
    purchases = collections.defaultdict(list)
    with open(path or cdnow_path()) as f:
        next(f)
        for lineno, line in enumerate(f, start=2):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 4:
                raise ValueError("CDNOW line %d: expected 4 columns, got %r" % (lineno, line))
            cid, day, n_cds, dollars = parts
            date = datetime.date(int(day[:4]), int(day[4:6]), int(day[6:]))
            purchases[int(cid)].append((date, int(n_cds), float(dollars)))
    return purchases


def plan_orders(purchases, today, seed=SEED, every=SAMPLE_EVERY):
    """Sample CDNOW customers and move their histories to end before `today`.

    Returns a list of customers, each {"cdnow_id", "cohort_shift",
    "orders": [(date, [(n_cds, dollars), ...]), ...]}: one order per
    customer and day (same-day CDNOW rows become lines of one order),
    zero-value rows dropped. The last CDNOW day (1998-06-30) maps onto the
    day before `today`, minus the customer's cohort shift.
    """
    rng = random.Random(seed)
    offset = today - datetime.timedelta(days=1) - CDNOW_END
    customers = []
    for cid in sorted(purchases):
        if cid % every != 1:
            continue
        shift = rng.choices(COHORT_SHIFT_DAYS, weights=COHORT_WEIGHTS)[0]
        by_day = collections.OrderedDict()
        for date, n_cds, dollars in sorted(purchases[cid]):
            if dollars <= 0 or n_cds <= 0:
                continue
            new_date = date + offset - datetime.timedelta(days=shift)
            by_day.setdefault(new_date, []).append((n_cds, dollars))
        if by_day:
            customers.append({"cdnow_id": cid, "cohort_shift": shift,
                              "orders": list(by_day.items())})
    return customers


# countries whose numbers are not ten digits long: (leading digits of a
# mobile number, length of the national number), so that every generated
# number is a valid one (phonenumbers: the duplicate finder and the
# matching of calls use the E.164 form)
NATIONAL_FORMS = {"+33": ("6", 9), "+40": ("7", 9), "+359": ("88", 9)}


def e164(rng, prefix):
    national = "".join(str(rng.randint(0, 9)) for _i in range(9))
    first = str(rng.randint(2, 9))
    digits = first + national
    if prefix in NATIONAL_FORMS:
        lead, length = NATIONAL_FORMS[prefix]
        digits = (lead + digits)[:length]
    return "%s %s %s %s" % (prefix, digits[:3], digits[3:6], digits[6:])


def ascii_slug(text):
    """'Ștefan.Müller' -> 'stefan.muller' (for e-mail addresses and domains)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum() or ch in ".-")


def make_customers(plan, seed=SEED):
    """Names, addresses and contacts for each planned customer (pure)."""
    rng = random.Random(seed + 1)
    codes = list(COUNTRIES)
    weights = [COUNTRIES[c][0] for c in codes]
    result = []
    used_emails = set()

    def unique_email(local, domain):
        email = "%s@%s" % (local, domain)
        n = 2
        while email in used_emails:
            email = "%s%d@%s" % (local, n, domain)
            n += 1
        used_emails.add(email)
        return email

    used_names = set()

    def person_name(firsts, lasts):
        """A full name not used yet: real bases repeat few exact names."""
        first, last = rng.choice(firsts), rng.choice(lasts)
        name = "%s %s" % (first, last)
        while name in used_names:
            name = "%s %s. %s" % (first, chr(rng.randint(65, 90)), last)
        used_names.add(name)
        return first, last, name

    for idx, cust in enumerate(plan, start=1):
        code = rng.choices(codes, weights=weights)[0]
        _w, prefix, cities, firsts, lasts, forms, tld = COUNTRIES[code]
        city, zipcode = rng.choice(cities)
        street = "%s %d" % (rng.choice(STREETS), rng.randint(1, 180))
        is_company = rng.random() < COMPANY_SHARE
        rec = {"ref": "C%05d" % idx, "country": code, "city": city, "zip": zipcode,
               "street": street, "is_company": is_company, "contacts": []}
        if is_company:
            name = "%s %s %s" % (rng.choice(COMPANY_WORDS), rng.choice(COMPANY_KINDS),
                                 rng.choice(forms))
            domain = "%s.%s" % (ascii_slug(name.split()[0] + name.split()[1]), tld)
            rec.update(name=name, email=unique_email("info", domain), phone=e164(rng, prefix),
                       website="https://www." + domain)
            for _c in range(rng.choice((1, 1, 2, 2, 3))):
                first, last, full = person_name(firsts, lasts)
                rec["contacts"].append({
                    "name": full,
                    "email": unique_email(ascii_slug("%s.%s" % (first, last)), domain),
                    "phone": e164(rng, prefix),
                    "function": rng.choice(FUNCTIONS),
                })
        else:
            first, last, full = person_name(firsts, lasts)
            domain = rng.choice(["mail.%s" % tld, "example.%s" % tld, "post.%s" % tld])
            rec.update(name=full,
                       email=unique_email(ascii_slug("%s.%s" % (first, last)), domain),
                       phone=e164(rng, prefix), website=False)
        result.append(rec)
    return result


# ------------------------------------------------------------- Odoo part
def bulk_insert(env, model, rows):
    """INSERT rows (dicts of column values) in one statement; return ids.

    ORM defaults of the model fill the columns a row does not give, so that
    rows look as if created through the ORM. Stored computed fields are the
    caller's job.
    """
    from psycopg2.extras import execute_values
    if not rows:
        return []
    Model = env[model]
    stored = {n: f for n, f in Model._fields.items()
              if f.store and f.column_type and n not in
              ("id", "create_uid", "write_uid", "create_date", "write_date")}
    defaults = Model.default_get(list(stored))
    defaults = {k: v for k, v in defaults.items()
                if k in stored and stored[k].type not in ("one2many", "many2many")}
    given = set().union(*(set(r) for r in rows))
    unknown = given - set(Model._fields)
    if unknown:
        raise ValueError("%s has no fields %s" % (model, ", ".join(sorted(unknown))))
    # related/computed fields that are not stored in this version are ignored
    columns = sorted(set(defaults) | (given & set(stored)))
    now = datetime.datetime.utcnow()
    uid = env.uid
    values = []
    for row in rows:
        merged = dict(defaults)
        merged.update(row)
        values.append(tuple(merged.get(c) for c in columns) + (uid, uid, now, now))
    cols = columns + ["create_uid", "write_uid", "create_date", "write_date"]
    query = 'INSERT INTO "%s" (%s) VALUES %%s RETURNING id' % (
        Model._table, ", ".join('"%s"' % c for c in cols))
    # port>=13: flush before this query
    res = execute_values(env.cr, query, values, page_size=1000, fetch=True)
    return [r[0] for r in res]


def xmlids(env, model, ids, names):
    """Register demo records under the `crm_lifecycle_demo_data` namespace."""
    from psycopg2.extras import execute_values

    # port>=13: flush before this query
    execute_values(env.cr, """
        INSERT INTO ir_model_data (module, name, model, res_id, noupdate, date_init, date_update)
        VALUES %s""", [("crm_lifecycle_demo_data", n, model, i, True,
                        datetime.datetime.utcnow(), datetime.datetime.utcnow())
                       for i, n in zip(ids, names)], page_size=1000)


def ensure_catalogue(env):
    Categ = env["product.category"]
    Product = env["product.product"]
    parent = env.ref("product.product_category_all")
    music = Categ.search([("name", "=", "Music"), ("parent_id", "=", parent.id)], limit=1) \
        or Categ.create({"name": "Music", "parent_id": parent.id})
    products = {}
    for cname, items in sorted(CATALOGUE.items()):
        categ = Categ.search([("name", "=", cname), ("parent_id", "=", music.id)], limit=1) \
            or Categ.create({"name": cname, "parent_id": music.id})
        for pname, price in items:
            prod = Product.search([("name", "=", pname)], limit=1) or Product.create({
                "name": pname, "categ_id": categ.id, "list_price": price,
                "type": "consu", "sale_ok": True, "purchase_ok": False,
                "invoice_policy": "order",
                "default_code": "".join(w[0] for w in pname.split()).upper()[:6],
            })
            products.setdefault(cname, []).append(prod)
    return products


def rate_months(today, years=5):
    """The first days of the months of the last `years` years, oldest first."""
    month = today.replace(day=1)
    months = []
    for _k in range(12 * years):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def second_currency(env, company, today):
    """The demo's second currency (the euro, or the dollar for a company in
    euros), active, with a rate of the company on the first of every month
    of the last five years (deterministic, around 0.9 of the company's
    currency), and a pricelist in it. Returns (pricelist, rate_on) where
    rate_on(day) is the factor from the company's currency to it on that
    day by Odoo's rule (the latest rates on or before the day)."""
    home = company.currency_id
    foreign = env.ref("base.EUR") if home != env.ref("base.EUR") else env.ref("base.USD")
    foreign.active = True
    Rate = env["res.currency.rate"]
    have = set(Rate.search([("currency_id", "=", foreign.id),
                            ("company_id", "=", company.id)]).mapped("name"))
    for k, month in enumerate(rate_months(today)):
        if str(month) not in {str(d) for d in have}:
            Rate.create({"currency_id": foreign.id, "company_id": company.id, "name": month,
                         "rate": round(0.9 + 0.05 * ((k % 12) - 6) / 6.0, 6)})
    # the rates as Odoo reads them: on a day, the latest rate of the
    # company on or before it, else the latest rate of all companies
    # port>=13: flush before this query
    env.cr.execute("""
        SELECT currency_id, company_id IS NOT NULL, name, rate FROM res_currency_rate
         WHERE currency_id IN %s AND (company_id IS NULL OR company_id = %s) AND rate > 0
         ORDER BY name
    """, ((home.id, foreign.id), company.id))
    series = collections.defaultdict(list)
    for currency_id, own, day, rate in env.cr.fetchall():
        series[(currency_id, own)].append((str(day)[:10], float(rate)))

    def latest(currency_id, day):
        text = str(day)[:10]
        for own in (True, False):
            before = [rate for rate_day, rate in series[(currency_id, own)] if rate_day <= text]
            if before:
                return before[-1]
        return None

    def rate_on(day):
        return (latest(foreign.id, day) or 1.0) / (latest(home.id, day) or 1.0)

    pricelist = env["product.pricelist"].search([("currency_id", "=", foreign.id)], limit=1) \
        or env["product.pricelist"].create({"name": "%s prices" % foreign.name,
                                            "currency_id": foreign.id})
    return pricelist, rate_on


def sales_tax(env, company):
    """The demo's sales tax (VAT_PERCENT, added to the price)."""
    from odoo.addons.crm_lifecycle import compat
    vals = compat.sale_tax_vals(VAT_PERCENT, included=False)
    Tax = env["account.tax"]
    return Tax.search([("name", "=", vals["name"]), ("company_id", "=", company.id),
                       ("type_tax_use", "=", "sale")], limit=1) \
        or Tax.create(dict(vals, company_id=company.id))


def sales_staff(env):
    teams = {}
    for key in ("direct_sales", "call_centre"):
        team = env.ref("crm_lifecycle.crm_team_%s_demo" % key, raise_if_not_found=False)
        if not team:
            raise SystemExit("demo teams missing: install crm_lifecycle with demo data")
        users = team.member_ids | team.user_id
        teams[key] = (team, users.sorted("id"))
    return teams


def generate(env, today=None, seed=SEED):
    today = today or datetime.date.today()
    cr = env.cr
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True))
    company = env.user.company_id
    company.write({"name": "SoundWave Music Ltd", "email": "hello@soundwave.example.com",
                   "phone": "+44 20 7946 0000", "city": "London",
                   "country_id": env.ref("base.uk").id, "website": "https://soundwave.example.com"})
    plan = plan_orders(load_cdnow(), today, seed)
    people = make_customers(plan, seed)
    products = ensure_catalogue(env)
    staff = sales_staff(env)
    rng = random.Random(seed + 2)
    countries = {c.code: c.id for c in env["res.country"].search([("code", "in", list(COUNTRIES))])}
    lang = env.user.lang or "en_US"

    # 1. commercial partners (companies and private persons)
    rows, owners = [], []
    for rec in people:
        team_key = "direct_sales" if rec["is_company"] else "call_centre"
        team, users = staff[team_key]
        user = users[rng.randrange(len(users))]
        owners.append((team.id, user.id))
        rows.append({
            "name": rec["name"], "display_name": rec["name"], "ref": rec["ref"],
            "is_company": rec["is_company"], "customer": True, "supplier": False,
            "email": rec["email"], "phone": rec["phone"], "website": rec["website"] or None,
            "street": rec["street"], "city": rec["city"], "zip": rec["zip"],
            "country_id": countries[rec["country"]], "lang": lang, "type": "contact",
            "user_id": user.id, "team_id": team.id, "company_id": company.id,
            "active": True, "employee": False,
        })
    partner_ids = bulk_insert(env, "res.partner", rows)
    # 2. contacts of companies
    rows, contact_parent = [], []
    for rec, pid, (team_id, user_id) in zip(people, partner_ids, owners):
        for contact in rec["contacts"]:
            contact_parent.append(pid)
            rows.append({
                "name": contact["name"], "parent_id": pid, "is_company": False,
                "customer": True, "supplier": False, "type": "contact",
                "email": contact["email"], "phone": contact["phone"],
                "function": contact["function"], "street": rec["street"], "city": rec["city"],
                "zip": rec["zip"], "country_id": countries[rec["country"]], "lang": lang,
                "user_id": user_id, "team_id": team_id, "company_id": company.id,
                "active": True, "employee": False,
            })
    contact_ids = bulk_insert(env, "res.partner", rows)
    # stored computed fields of res.partner, set-based
    # port>=13: flush before this query
    cr.execute("""
        UPDATE res_partner p
           SET commercial_partner_id = COALESCE(p.parent_id, p.id),
               display_name = CASE WHEN p.parent_id IS NULL THEN p.name
                                   ELSE c.name || ', ' || p.name END,
               commercial_company_name = CASE WHEN c.is_company THEN c.name
                                              WHEN p.is_company THEN p.name END,
               partner_share = TRUE
          FROM res_partner c
         WHERE c.id = COALESCE(p.parent_id, p.id) AND p.id IN %s
    """, (tuple(partner_ids + contact_ids),))
    # the identity keys (name, city, phones in E.164) the ORM computes on
    # create: the duplicate finder, the import and phone matching read them
    Partner = env["res.partner"]
    if hasattr(Partner, "_identity_fill_keys"):
        Partner._identity_fill_keys(partner_ids + contact_ids)
        Partner._identity_fill_phones(partner_ids + contact_ids)
    xmlids(env, "res.partner", partner_ids, ["partner_%s" % r["ref"] for r in people])

    # 3. confirmed sale orders, one per CDNOW customer-day
    # (customers of EURO_COUNTRIES in the second currency, at the rate of the
    # day: their orders are worth the CDNOW amount in the company's currency;
    # every line taxed, the touchpoints carry the untaxed amount)
    home_pricelist = env.ref("product.list0")
    foreign_pricelist, rate_on = second_currency(env, company, today)
    tax = sales_tax(env, company)
    vat = VAT_PERCENT / 100.0
    categ_names = sorted(products)
    seq = env["ir.sequence"].search([("code", "=", "sale.order")], limit=1)
    order_rows, line_specs = [], []
    for cust, rec, pid, (team_id, user_id) in zip(plan, people, partner_ids, owners):
        favourites = rng.sample(categ_names, 3)
        abroad = rec["country"] in EURO_COUNTRIES
        pricelist = foreign_pricelist if abroad else home_pricelist
        for date, rows_of_day in cust["orders"]:
            when = datetime.datetime.combine(
                date, datetime.time(rng.randint(8, 18), rng.randint(0, 59)))
            factor = rate_on(date) if abroad else 1.0
            amount = round(sum(d for _n, d in rows_of_day) * factor, 2)
            order_rows.append({
                "partner_id": pid, "partner_invoice_id": pid, "partner_shipping_id": pid,
                "pricelist_id": pricelist.id, "currency_id": pricelist.currency_id.id,
                "date_order": when, "confirmation_date": when, "state": "sale",
                "user_id": user_id, "team_id": team_id, "company_id": env.user.company_id.id,
                "amount_untaxed": amount, "amount_tax": round(amount * vat, 2),
                "amount_total": round(amount * (1 + vat), 2),
                "invoice_status": "invoiced", "origin": "CDNOW %05d" % cust["cdnow_id"],
                "access_token": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            })
            lines = []
            for n_cds, dollars in rows_of_day:
                # split the CDs of one CDNOW row over up to 3 products
                parts = min(n_cds, rng.choice((1, 1, 2, 3)))
                qtys = [n_cds // parts + (1 if i < n_cds % parts else 0) for i in range(parts)]
                unit = round(dollars * factor / n_cds, 2)
                for i, qty in enumerate(qtys):
                    categ = favourites[i % 3] if rng.random() < 0.8 else rng.choice(categ_names)
                    prod = rng.choice(products[categ])
                    lines.append((prod, qty, unit))
            # rounding: put the remainder on the last line so lines sum to the order
            total = round(sum(q * u for _p, q, u in lines), 2)
            if abs(total - amount) >= 0.005:
                prod, qty, unit = lines[-1]
                lines[-1] = (prod, qty, round(unit + (amount - total) / qty, 4))
            line_specs.append(lines)
    # number the orders in date order, as they would have been entered
    order_rows, line_specs = (list(t) for t in zip(*sorted(
        zip(order_rows, line_specs), key=lambda pair: pair[0]["date_order"])))
    start = seq.number_next_actual
    for i, row in enumerate(order_rows):
        row["name"] = "%s%s" % (seq.prefix or "", str(start + i).zfill(seq.padding))
    order_ids = bulk_insert(env, "sale.order", order_rows)
    seq.write({"number_next_actual": start + len(order_rows)})
    line_rows = []
    for oid, row, lines in zip(order_ids, order_rows, line_specs):
        for seqno, (prod, qty, unit) in enumerate(lines, start=1):
            sub = round(qty * unit, 2)
            line_rows.append({
                "order_id": oid, "sequence": seqno * 10, "product_id": prod.id,
                "name": prod.display_name, "product_uom": prod.uom_id.id,
                "product_uom_qty": qty, "price_unit": unit, "discount": 0.0,
                "price_subtotal": sub, "price_tax": round(sub * vat, 2),
                "price_total": round(sub * (1 + vat), 2), "price_reduce": unit,
                "price_reduce_taxinc": round(unit * (1 + vat), 2),
                "price_reduce_taxexcl": unit,
                "qty_delivered": qty, "qty_invoiced": qty, "qty_to_invoice": 0.0,
                "invoice_status": "invoiced", "state": "sale", "customer_lead": 0.0,
                "currency_id": row["currency_id"], "company_id": row["company_id"],
                "order_partner_id": row["partner_id"], "salesman_id": row["user_id"],
            })
    line_ids = bulk_insert(env, "sale.order.line", line_rows)
    relation = env["sale.order.line"]._fields["tax_id"]
    from psycopg2 import sql
    from psycopg2.extras import execute_values

    # port>=13: flush before this query
    execute_values(env.cr, sql.SQL("INSERT INTO {} ({}, {}) VALUES %s").format(
        sql.Identifier(relation.relation), sql.Identifier(relation.column1),
        sql.Identifier(relation.column2)).as_string(env.cr._obj),
        [(line_id, tax.id) for line_id in line_ids], page_size=5000)
    xmlids(env, "sale.order", order_ids, ["sale_order_%d" % i for i in order_ids])

    # 4. contact history: chatter emails, calls, web visits, sales visits...
    contacts_of = collections.defaultdict(list)
    for cid, parent in zip(contact_ids, contact_parent):
        contacts_of[parent].append(cid)
    stats = generate_history(env, plan, people, partner_ids, contacts_of, owners, staff,
                             today, random.Random(seed + 3))
    # 5. campaigns: two finished with their judgement, one running
    stats["campaigns"] = generate_campaigns(env, company, staff, set(partner_ids), today,
                                            random.Random(seed + 4))
    # 6. the customer metrics, as the nightly job would have computed them,
    # with the monthly segment snapshots of the last six months
    stats["metrics"] = 0
    if "crm.customer.metrics" in env:
        Metrics, Snapshot = env["crm.customer.metrics"], env["crm.customer.snapshot"]
        month = today.replace(day=1)
        for _k in range(SNAPSHOT_MONTHS - 1):
            month = (month - datetime.timedelta(days=1)).replace(day=1)
        while month < today.replace(day=1):
            month_end = (month + datetime.timedelta(days=32)).replace(day=1) \
                - datetime.timedelta(days=1)
            Metrics.compute_metrics(company_ids=company.ids, as_of=month_end)
            Snapshot.take_snapshot(company_ids=company.ids, month=month)
            month = month_end + datetime.timedelta(days=1)
        Metrics.compute_metrics(company_ids=company.ids, as_of=today)
        Snapshot.take_snapshot(company_ids=company.ids, month=today)
        # the company view (retention, churn, cohorts) over the whole history
        env["crm.retention.month"].refresh(company_ids=company.ids)
        stats["metrics"] = Metrics.search_count([("company_id", "=", company.id)])
    # 7. a call campaign running now, its cockpit moving as responses come in
    stats["live"] = generate_live_campaign(env, company, staff, set(partner_ids), today,
                                           random.Random(seed + 6))
    # 7b. a planned campaign that routes each customer to their channel
    stats["routed"] = generate_routed_campaign(env, company, staff)
    # 8. this month's and last month's targets: a leaderboard to look at
    stats["targets"] = generate_targets(env, company, staff, today, random.Random(seed + 5))
    # 9. win-back follow-ups on, as a company using them would have them
    stats["win_back"] = 0
    if "crm.customer.metrics" in env:
        # sudo: the generator turns a setting on (a system parameter, no user input)
        env["ir.config_parameter"].sudo().set_param("crm_lifecycle_analytics.win_back", "True")
        stats["win_back"] = env["crm.customer.metrics"].schedule_win_back(
            company_ids=company.ids)
    # sudo: the generator marks its own run (a system parameter, no user input)
    env["ir.config_parameter"].sudo().set_param("crm_lifecycle.demo_data", today.isoformat())
    stats.update({"customers": len(partner_ids), "contacts": len(contact_ids),
                  "orders": len(order_ids), "lines": len(line_rows)})
    return stats


def generate_targets(env, company, staff, today, rng):
    """Revenue and contact targets of every demo salesperson and team for
    last month and this one, set from what they did so that the
    leaderboard spreads from about 70 % to 130 %."""
    if "crm.staff.target" not in env:
        return 0
    Target = env["crm.staff.target"]
    this_month = today.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    targets = Target.browse()
    for month in (last_month, this_month):
        for team, users in staff.values():
            for owner in [{"team_id": team.id}] + [
                    {"user_id": u.id, "team_id": team.id} for u in users]:
                for measure in ("revenue", "contacts"):
                    targets |= Target.create(dict(owner, company_id=company.id,
                                                  month=month.isoformat(),
                                                  measure=measure, target=1.0))
    done = {}
    for target in targets:
        # the pace reached so far (nothing yet: last month's), asked again
        # with some more or less ambition
        key = (target.user_id.id, target.team_id.id, target.measure)
        pace = target.actual * target.projected / target.achievement \
            if target.achievement else done.get(key, 0.0)
        done[key] = pace
        step = 100 if target.measure == "revenue" else 1
        goal = round(pace * rng.uniform(0.75, 1.4) / step) * step
        target.write({"target": max(goal, step)})
    return len(targets)


ROUTED_CAMPAIGN = "Loyalty thanks (each customer on their channel)"
CAMPAIGNS = [
    # name, objective, segment, channel, days since launch, response days,
    # holdout %, response rate of the target and of the control group, done
    ("Spring catalogue", "retention", "private", "letter", 150, 30, 25.0, 0.10, 0.04, True),
    ("Business win-back calls", "win_back", "business", "phone", 80, 21, 20.0, 0.16, 0.05,
     True),
    ("Winter offers", "up_sell", "everyone", "email", 6, 30, 10.0, 0.06, 0.02, False),
]
SEGMENTS = {
    "private": ("Private customers", "[('customer', '=', True), ('is_company', '=', False), "
                "('parent_id', '=', False)]"),
    "business": ("Business customers", "[('customer', '=', True), ('is_company', '=', True)]"),
    "everyone": ("All customers", "[('customer', '=', True), ('parent_id', '=', False)]"),
}


def dt_string(when):
    """A datetime as Odoo writes it."""
    return when.strftime("%Y-%m-%d %H:%M:%S")


LIVE_CAMPAIGN = "Call-centre offers (live)"
LIVE_AUDIENCE = 200


def generate_live_campaign(env, company, staff, customers, today, rng):
    """A call campaign running now, as an operations lead finds it in its
    cockpit: the call centre's agents sharing the calls, three days of
    calls made (a quarter of the list still open), responses coming in,
    and a salesperson of the direct sales team who called three customers
    of the control group anyway. Returns the calls still open."""
    if "crm.campaign" not in env:
        return 0
    prospects = env["res.partner"].search([("id", "in", sorted(customers)),
                                           ("is_company", "=", True)], limit=LIVE_AUDIENCE,
                                          order="id")
    segment = env["crm.segment"].create({
        "name": "Box set prospects", "kind": "static", "company_id": company.id,
        "partner_ids": [(6, 0, prospects.ids)]})
    phone = env["crm.touchpoint.channel"].search([("code", "=", "phone")], limit=1)
    team, agents = staff["call_centre"]
    # the campaign runs now: its calls and answers are in the past of the real clock
    now = min(datetime.datetime.utcnow().replace(microsecond=0),
              datetime.datetime.combine(today, datetime.time(23))) \
        - datetime.timedelta(minutes=5)
    start = now - datetime.timedelta(days=3)
    campaign = env["crm.campaign"].create({
        "name": LIVE_CAMPAIGN, "segment_ids": [(6, 0, segment.ids)],
        "channel_id": phone.id, "holdout_percent": 20.0, "response_days": 21,
        "budget": 4000.0, "fixed_cost": 150.0, "team_id": team.id,
        "user_id": agents[0].id, "agent_ids": [(6, 0, agents.ids)],
        "date_planned": start.date().isoformat(), "seed": 20300, "objective": "cross_sell",
        "description": "Offer the new box set to business customers.",
        # two offers tested against each other and against the control group
        "arm_ids": [(0, 0, {"name": "Box set at 15 % off", "kind": "discount", "share": 50.0,
                            "sequence": 1,
                            "description": "The new box set at 15 % off until the month's end."}),
                    (0, 0, {"name": "Box set with a free concert ticket", "kind": "gift",
                            "share": 50.0, "sequence": 2,
                            "description": "The new box set with a ticket to a concert of the "
                                           "season."})]})
    if "min_uplift_percent" in campaign._fields:
        campaign.min_uplift_percent = 20.0
    campaign.action_plan()
    campaign.action_launch()
    campaign.write({"date_start": dt_string(start)})
    Member = env["crm.campaign.member"]
    targets = Member.search([("campaign_id", "=", campaign.id),
                             ("split_group", "=", "target")], order="id")
    rows = []
    # each target customer called on one of the three days, or not yet (a quarter); by
    # chance, not by rank (the members' ranks deal them to the agents in turn)
    days = [rng.randrange(4) for _member in targets]
    for day in range(3):
        called = targets.browse([m.id for m, d in zip(targets, days) if d == day])
        when = start + datetime.timedelta(days=day, hours=1 + day)
        called._record_contacts(dt_string(when))
        env["mail.activity"].search([("campaign_member_id", "in", called.ids)]).unlink()
        for member in called:
            if member.partner_id.id in customers and rng.random() < 0.22:
                answer = when + datetime.timedelta(hours=rng.uniform(2.0, 40.0))
                rows.append(live_response(campaign, member, min(answer, now), rng))
    control = Member.search([("campaign_id", "=", campaign.id),
                             ("split_group", "=", "control")], order="id")
    for member in control:
        if member.partner_id.id in customers and rng.random() < 0.07:
            answer = start + datetime.timedelta(hours=rng.uniform(4.0, 70.0))
            rows.append(live_response(campaign, member, answer, rng))
    # a salesperson who did not look at the warning: three control customers called
    seller = staff["direct_sales"][1][0]
    for k, member in enumerate(control[:3]):
        rows.append({
            "source_system": "demo", "partner_id": member.partner_id.id,
            "user_login": seller.login, "external_ref": "live-contamination-%d" % k,
            "date": dt_string(start + datetime.timedelta(days=1, hours=k)),
            "direction": "outbound", "channel": "phone", "kind": "contact",
            "subject": "Courtesy call"})
    env["crm.touchpoint"].ingest(rows)
    return sum(campaign.open_call_counts().values()) \
        if hasattr(campaign, "open_call_counts") else 0


def live_response(campaign, member, when, rng):
    """A response of a member of the live campaign, as the call centre's
    system or the shop reports it."""
    buys = rng.random() < 0.6
    row = {"source_system": "demo", "partner_id": member.partner_id.id,
           "user_login": member.user_id.login or None,
           "external_ref": "live-%d-%d" % (campaign.id, member.id), "date": dt_string(when),
           "direction": "inbound", "channel": "order" if buys else "phone",
           "kind": "purchase" if buys else "response",
           "subject": "Order after the call" if buys else "Called back about the box set"}
    if buys:
        row["amount"] = round(rng.uniform(30.0, 220.0), 2)
    return row


def generate_routed_campaign(env, company, staff):
    """A planned email campaign to the business customers that may also call
    them or write: each member on the channel of their own history (the
    win-back calls they answered, the channel they contact the shop on, the
    business segment's best), its reason and cost shown on the members."""
    if "crm.campaign" not in env:
        return 0
    segment = env["crm.segment"].search([("name", "=", SEGMENTS["business"][0]),
                                         ("company_id", "=", company.id)], limit=1)
    channels = {c.code: c for c in env["crm.touchpoint.channel"].search([])}
    team, agents = staff["call_centre"]
    campaign = env["crm.campaign"].create({
        "name": ROUTED_CAMPAIGN, "segment_ids": [(6, 0, segment.ids)],
        "channel_id": channels["email"].id, "objective": "loyalty", "holdout_percent": 15.0,
        "routing": True, "fixed_cost": 100.0, "seed": 20270,
        "team_id": team.id, "user_id": agents[0].id,
        "agent_ids": [(6, 0, [u.id for u in agents])],
        "route_ids": [(0, 0, {"channel_id": channels[code].id, "sequence": sequence})
                      for sequence, code in enumerate(("phone", "letter"))]})
    campaign.action_plan()
    return campaign.target_count


def generate_campaigns(env, company, staff, customers, today, rng):
    """Two finished campaigns whose target group answered clearly more than
    its control group, and one running: audiences drawn by the campaigns
    themselves, contacts and responses written as they would have come in
    (responses through `crm.touchpoint.ingest`, matched as they land). Only
    the generated `customers` answer: the partners of Odoo's own demo data
    keep their history."""
    if "crm.campaign" not in env:
        return 0
    channels = {c.code: c for c in env["crm.touchpoint.channel"].search([])}
    segments = {}
    for key, (name, domain) in SEGMENTS.items():
        segments[key] = env["crm.segment"].create({
            "name": name, "kind": "rule", "domain": domain, "company_id": company.id})
    now = datetime.datetime.combine(today, datetime.time(9))
    made = 0
    for (name, objective, segment, code, ago, days, holdout, rate_target, rate_control,
         done) in CAMPAIGNS:
        start = now - datetime.timedelta(days=ago)
        team, agents = staff["call_centre"] if code == "phone" else staff["direct_sales"]
        campaign = env["crm.campaign"].create({
            "name": name, "segment_ids": [(6, 0, segments[segment].ids)],
            "channel_id": channels[code].id, "holdout_percent": holdout,
            "response_days": days, "budget": 5000.0, "fixed_cost": 250.0,
            "team_id": team.id, "user_id": agents[0].id,
            "agent_ids": [(6, 0, [u.id for u in agents])] if code == "phone" else [],
            "date_planned": start.date().isoformat(), "seed": 20260 + made,
            "objective": objective})
        campaign.action_plan()
        # launched `ago` days ago: the contacts went out on the first days
        campaign.write({"state": "running", "date_start": dt_string(start)})
        members = env["crm.campaign.member"].search(
            [("campaign_id", "=", campaign.id), ("split_group", "!=", False)])
        targets = members.filtered(lambda m: m.split_group == "target")
        for day in range(3):
            targets[day::3]._record_contacts(
                dt_string(start + datetime.timedelta(days=day, hours=2)))
        window = min(days, ago) * 24.0
        rows = []
        for member in members:
            if member.partner_id.id not in customers:
                continue
            rate = rate_target if member.split_group == "target" else rate_control
            if rng.random() >= rate:
                continue
            when = start + datetime.timedelta(hours=rng.uniform(26.0, window - 1.0))
            buys = rng.random() < 0.7
            # credited to who the member belongs to (its salesperson, or the
            # agent who called), not to the admin running the generator
            row = {
                "source_system": "demo", "partner_id": member.partner_id.id,
                "user_login": member.user_id.login or None,
                "external_ref": "campaign-%d-%d" % (campaign.id, member.id),
                "date": dt_string(when), "direction": "inbound",
                "channel": "order" if buys else ("phone" if code == "phone" else "email"),
                "kind": "purchase" if buys else "response",
                "subject": ("Order after %s" if buys else "Answer to %s") % name}
            if buys:
                row["amount"] = round(rng.uniform(15.0, 140.0), 2)
            rows.append(row)
        env["crm.touchpoint"].ingest(rows)
        if done:
            campaign.action_done()
            campaign.write({"date_done": dt_string(
                start + datetime.timedelta(days=days))})
        made += 1
    return made


EMAIL_IN = ["Question about my order", "Where is my parcel?", "Catalogue request",
            "Invoice copy please", "Do you have this album on vinyl?", "Gift card balance"]
EMAIL_OUT = ["Your order has shipped", "New releases this month", "Thank you for your order",
             "Your invoice", "Concert tickets pre-sale", "We miss you: 10% off"]
CALLS_IN = ["Asked about delivery times", "Wanted to change the shipping address",
            "Product question: headphones", "Asked for a refund"]
CALLS_OUT = ["Follow-up call after purchase", "Offered the new box set",
             "Reminder: gift card expires", "Satisfaction call"]
VISITS = ["Visit at the customer's premises", "Presented the new catalogue",
          "Annual review meeting", "Store visit"]
COMPLAINTS = ["Damaged CD case", "Late delivery", "Wrong item received", "Charged twice"]


def generate_history(env, plan, people, partner_ids, contacts_of, owners, staff, today, rng):
    """Touchpoints over several channels and teams, both directions, for every
    customer: chatter emails (real mail messages, captured by the rebuild),
    and calls, web visits, sales visits, letters, SMS and complaints fed
    through the touchpoint API of their source systems. Then the rebuild
    makes the email and purchase touchpoints from Odoo's own documents."""
    Touchpoint = env["crm.touchpoint"]
    Channel = env["crm.touchpoint.channel"]
    ch = {c.code: c.id for c in Channel.search([])}
    comment = env.ref("mail.mt_comment").id
    # the customer's salesperson writes the outbound emails (not the admin
    # who runs the generator: the staff figures credit the author)
    author_of = {u.id: u.partner_id.id for u in env["res.users"].search([])}
    admin_partner = env.user.partner_id.id
    call_users = staff["call_centre"][1]
    direct_users = staff["direct_sales"][1]
    now = datetime.datetime.combine(today, datetime.time()) - datetime.timedelta(hours=1)
    messages, rows = [], []

    def when(first, last):
        span = max((last - first).total_seconds(), 3600.0)
        moment = first + datetime.timedelta(seconds=rng.uniform(0, span))
        return min(moment.replace(microsecond=0), now)

    targets = []
    for cust, rec, pid, owner in zip(plan, people, partner_ids, owners):
        first = datetime.datetime.combine(cust["orders"][0][0], datetime.time(9))
        last = datetime.datetime.combine(cust["orders"][-1][0], datetime.time(17))
        targets.append((rec["ref"], rec["name"], rec["is_company"], pid,
                        contacts_of.get(pid) or [pid], first, last, owner))
    # the other customers with confirmed orders (Odoo's own demo data)
    # port>=13: flush before this query
    env.cr.execute("""
        SELECT p.commercial_partner_id, min(o.date_order), max(o.date_order)
          FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
         WHERE o.state IN ('sale', 'done') AND NOT p.commercial_partner_id = ANY(%s)
         GROUP BY 1
    """, (partner_ids,))
    for pid, first, last in env.cr.fetchall():
        # Odoo 11 reads timestamps as strings
        first, last = (datetime.datetime.strptime(str(d)[:19], "%Y-%m-%d %H:%M:%S")
                       for d in (first, last))
        partner = env["res.partner"].browse(pid)
        persons = partner.child_ids.ids or [pid]
        team = partner.team_id or staff["direct_sales"][0]
        user = partner.user_id or staff["direct_sales"][1][0]
        targets.append(("P%d" % pid, partner.name, partner.is_company, pid, persons,
                        first - datetime.timedelta(days=60), last, (team.id, user.id)))

    for ref, name, is_company, pid, persons, first, last, (team_id, user_id) in targets:
        last = min(last + datetime.timedelta(days=120), now)
        first = min(first, last)
        n = 0

        def add(channel, direction, kind, subject, user, team, source, amount=None):
            rows.append({
                "partner_id": rng.choice(persons), "date": when(first, last),
                "channel_id": ch[channel], "direction": direction, "kind": kind,
                "user_id": user, "team_id": team, "company_id": env.user.company_id.id,
                "subject": subject, "summary": None, "amount": amount, "currency_id": None,
                "res_model": None, "res_id": None, "campaign_id": None,
                "source_system": source, "external_ref": "%s-%d-%d" % (ref, len(rows), n),
            })
        # emails in the customer's chatter, from both sides
        for _i in range(rng.randint(1, 3)):
            inbound = rng.random() < 0.5
            messages.append({
                "model": "res.partner", "res_id": pid, "message_type": "email" if inbound
                else "comment", "subtype_id": comment,
                "author_id": rng.choice(persons) if inbound
                else author_of.get(user_id, admin_partner),
                "subject": rng.choice(EMAIL_IN if inbound else EMAIL_OUT),
                "body": "<p>%s</p>" % rng.choice(EMAIL_IN if inbound else EMAIL_OUT),
                "date": when(first, last), "record_name": name,
            })
        # call centre: inbound and outbound calls
        for _i in range(rng.randint(1, 4)):
            inbound = rng.random() < 0.55
            agent = call_users[rng.randrange(len(call_users))]
            add("phone", "inbound" if inbound else "outbound", "contact",
                rng.choice(CALLS_IN if inbound else CALLS_OUT), agent.id,
                staff["call_centre"][0].id, "callcentre")
        # web shop visits and sign-ups
        for _i in range(rng.randint(1, 5)):
            add("web", "inbound", "contact", rng.choice(["Visited the web shop",
                "Signed up for the newsletter", "Wish list updated", "Reviewed a product"]),
                user_id, team_id, "webshop")
        if is_company:
            for _i in range(rng.randint(1, 3)):
                seller = direct_users[rng.randrange(len(direct_users))]
                add(rng.choice(["visit", "meeting"]), "outbound", "contact",
                    rng.choice(VISITS), seller.id, staff["direct_sales"][0].id, "fieldsales")
        # marketing sends (a catalogue, a voucher to everyone whose birthday it
        # is): campaign sends from the marketing system, no salesperson's contact
        if rng.random() < 0.35:
            add(rng.choice(["letter", "sms"]), "outbound", "campaign",
                rng.choice(["Spring catalogue", "Birthday voucher", "New releases newsletter"]),
                None, None, "marketing")
        if rng.random() < 0.06:
            add("complaint", "inbound", "complaint", rng.choice(COMPLAINTS),
                call_users[0].id, staff["call_centre"][0].id, "callcentre")
    message_ids = bulk_insert(env, "mail.message", messages)
    Touchpoint._upsert(rows)
    Touchpoint.invalidate_cache()
    rebuilt = Touchpoint._rebuild_from_sources()
    return {"messages": len(message_ids), "fed_touchpoints": len(rows),
            "rebuilt": sum(rebuilt.values())}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    import odoo
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database,
                                    "--log-level=warn"])
    registry = odoo.registry(args.database)
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if env["ir.config_parameter"].get_param("crm_lifecycle.demo_data"):
            print("demo data already present in %s (regenerate with make demo-data)"
                  % args.database)
            return 0
        stats = generate(env, seed=args.seed)
        cr.commit()
    print("demo data: %(customers)d customers, %(contacts)d contacts, "
          "%(orders)d confirmed sale orders, %(lines)d order lines, "
          "%(messages)d chatter emails, %(fed_touchpoints)d touchpoints fed by other "
          "systems, %(rebuilt)d touchpoints rebuilt from Odoo documents, "
          "metrics of %(metrics)d customers, %(campaigns)d campaigns (and a call campaign "
          "running now with %(live)d calls open), %(targets)d staff "
          "targets, %(win_back)d win-back activities" % stats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
