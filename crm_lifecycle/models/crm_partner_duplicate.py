# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import re

from psycopg2 import sql

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import compat, identity_linkage as linkage
from ..guard import check_companies, try_job_lock
from ..sql import planner_settings
from .crm_duplicate_rule import sql_params

_logger = logging.getLogger(__name__)

# A block (partners sharing one blocking key) larger than this is not a set
# of duplicates but a shared value (a company switchboard, a common surname
# in a big city): its pairs are not compared. Measured on the labelled
# benchmark list: 12, 20 and 30 find the same true pairs; 20 compares 42 %
# fewer pairs than 30 over a million partners.
MAX_BLOCK = 20
# The same for the loose keys (an address, the sound of a name, a name's word
# in a zip): a block of a household or a small office, not of a building or
# a common first name. A word in a zip as a loose key: over a million
# partners, a third fewer pairs compared, and on FEBRL 3 a higher recall
# (0.928 against 0.924: fewer namesakes dilute the learnt weights).
LOOSE_BLOCK = 6
# The memory of the finder's sorts and hash tables, for its transaction
# only: at a million partners, the sort of the blocking keys and the hash
# tables of the partners' values (about 160 MB each) stay in memory instead
# of spilling to disk.
WORK_MEM = "256MB"
# A company's Fellegi-Sunter model is estimated on a run over the whole base
# when it has at least this many compared pairs (else the model of all
# customers serves), and kept for the runs over a few partners (the partner
# form, imports).
LEARN_MIN_PAIRS = 200

# The compared values of a partner (table lifecycle_dup_p); the import
# wizard adds the rows of a file to it with negative ids.
PARTNER_VALUES_SQL = r"""
    SELECT p.id, p.company_id, p.is_company, p.parent_id,
           coalesce(p.identity_name_key, '') AS nk,
           coalesce(p.identity_city_key, '') AS ck,
           coalesce(lower(btrim(p.email)), '') AS em,
           coalesce(upper(replace(p.vat, ' ', '')), '') AS vk,
           coalesce(upper(replace(p.zip, ' ', '')), '') AS zk,
           coalesce(lower(p.street), '') AS sk,
           array_remove(ARRAY[p.phone_e164, p.mobile_e164], NULL)::varchar[] AS phones,
           coalesce(lower(p.street2), '') AS s2,
           -- the website's domain
           CASE WHEN p.website IS NULL THEN ''
                ELSE coalesce(substring(lower(p.website)
                                        from '^(?:[a-z]+://)?(?:www\.)?([^/:?#\s]+)'), '')
                END AS wd
      FROM res_partner p
"""
# The partners compared: active customers and contacts, not merged, not
# the partners of users (staff).
CANDIDATES_WHERE = """
     WHERE p.active AND p.merged_into_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = p.id)
"""
CANDIDATES_SQL = ("CREATE TEMP TABLE lifecycle_dup_p ON COMMIT DROP AS"
                  + PARTNER_VALUES_SQL + CANDIDATES_WHERE)
# the same table, empty: for the partners of the pairs reviewers decided
NO_CANDIDATES_SQL = CANDIDATES_SQL + " AND FALSE"
# sql-write: the finder's own temp table: the partners of the pairs reviewers
# decided (a merged partner is archived, no candidate), added after the blocking
DECIDED_PARTNERS_SQL = ("INSERT INTO lifecycle_dup_p" + PARTNER_VALUES_SQL + """
     WHERE p.id IN (SELECT a_id FROM lifecycle_dup_dec UNION SELECT b_id
                      FROM lifecycle_dup_dec)
       AND p.id NOT IN (SELECT id FROM lifecycle_dup_p)""")

# Blocking keys, hashed to 64 bits: exact email ('e'), tax ID ('v'), phone
# ('p'), then the keys that survive a typo in any one field, none of them
# needing the same city:
#   - the name key in the same city ('n') and in the same zip ('m');
#   - for a name of one or two words, each word (3+ letters) in the same
#     city ('t') and zip ('y'); for a longer name, each pair of its first
#     five words in the same city ('w': a company sharing one common word
#     with another is no candidate);
#   - the house number and first street word in the same zip ('a') and in
#     the same city ('b'): the same address whatever the name's typos; the
#     house number alone in the same zip ('h') or city ('g'), and with the
#     sound of the street word anywhere ('o'); the first word of the second
#     address line in the same zip ('q') or city ('r'); the zip and city
#     ('z'): a typo in the street;
#   - the sounds of a name of one or two words (Soundex of each word, in
#     order: 's'), and of each word in the same city ('c') or zip ('d').
# The keys after the first name keys ('n', 't', 'w') are made only for the
# records missing an email or a phone ("inc"): a record with both is found
# by them, and its name keys meet the others. The loose keys (an address, a
# name's sound, a name's word in a zip) make small blocks only (LOOSE_BLOCK).
# Each kind of key is one scan of the partners' values held in memory (a
# CTE), all of them one UNION ALL: over a million partners, twice as fast
# as an array of keys per partner unnested (PostgreSQL builds and unnests
# arrays of text slowly) and than scans of the wide temp table.
# (letter, records: all or inc (and what they are joined with), condition,
# key after the letter, loose)
# (letter, records: all or inc, condition, key after the letter, loose)
_FIRST = "CASE v.i WHEN 1 THEN w1 WHEN 2 THEN w2 WHEN 3 THEN w3 ELSE w4 END"
_SECOND = "CASE v.j WHEN 2 THEN w2 WHEN 3 THEN w3 WHEN 4 THEN w4 ELSE w5 END"
KEY_KINDS = [
    ("e", "all", "em <> ''", "em", False),
    ("v", "all", "vk <> ''", "vk", False),
    ("p", "all", "cardinality(phones) >= 1", "phones[1]", False),
    ("p", "all", "cardinality(phones) >= 2", "phones[2]", False),
    ("n", "all", "nk <> ''", "nk || ' ' || ck", False),
] + [
    ("t", "all", "short AND ck <> '' AND length(w%d) >= 3" % i, "ck || ' ' || w%d" % i, False)
    for i in (1, 2)
] + [
    # each pair of the first five words of a longer name: one scan of the
    # longer names, not one per pair
    ("w", "all, (VALUES (1, 2), (1, 3), (2, 3), (1, 4), (2, 4), (3, 4), (1, 5), (2, 5), "
          "(3, 5), (4, 5)) AS v(i, j)",
     "NOT short AND ck <> '' AND " + _SECOND + " <> ''",
     "ck || ' ' || " + _FIRST + " || ' ' || " + _SECOND, False),
] + [
    ("m", "inc", "nk <> '' AND zk <> ''", "nk || ' ' || zk", False),
    ("a", "inc", "zk <> '' AND hn <> ''", "zk || ' ' || hn || ' ' || sw", True),
    ("b", "inc", "ck <> '' AND hn <> ''", "ck || ' ' || hn || ' ' || sw", True),
    ("h", "inc", "zk <> '' AND hn <> ''", "zk || ' ' || hn", True),
    ("g", "inc", "ck <> '' AND hn <> ''", "ck || ' ' || hn", True),
    ("o", "inc", "hn <> '' AND sw <> ''", "hn || ' ' || soundex(sw)", True),
    ("q", "inc", "zk <> '' AND s2w <> ''", "zk || ' ' || s2w", True),
    ("r", "inc", "ck <> '' AND s2w <> ''", "ck || ' ' || s2w", True),
    ("z", "inc", "zk <> '' AND ck <> ''", "zk || ' ' || ck", True),
    ("s", "inc", "short AND w2 <> ''", "soundex(w1) || soundex(w2)", True),
] + [
    (letter, "inc", "short AND %s <> '' AND %s" % (place, test % word), key % (place, word), True)
    for word in ("w1", "w2")
    for letter, place, test, key in (
        ("y", "zk", "length(%s) >= 3", "%s || ' ' || %s"),
        ("c", "ck", "%s <> ''", "%s || ' ' || soundex(%s)"),
        ("d", "zk", "%s <> ''", "%s || ' ' || soundex(%s)"))
]
# {partners} filters the partners of lifecycle_dup_p.
PARTNER_KEYS_SQL = r"""
    WITH p AS MATERIALIZED (
        -- what the keys of every record use: the words of its name, split
        -- once
        SELECT id, em, vk, phones, nk, ck, em <> '' AND cardinality(phones) > 0 AS complete,
               split_part(nk, ' ', 3) = '' AS short,
               split_part(nk, ' ', 1) AS w1, split_part(nk, ' ', 2) AS w2,
               split_part(nk, ' ', 3) AS w3, split_part(nk, ' ', 4) AS w4,
               split_part(nk, ' ', 5) AS w5
          FROM lifecycle_dup_p WHERE {partners}
    ), inc AS MATERIALIZED (
        -- the records missing an email or a phone, with the parts of their
        -- address the keys use
        SELECT id, nk, ck, zk, split_part(nk, ' ', 3) = '' AS short,
               split_part(nk, ' ', 1) AS w1, split_part(nk, ' ', 2) AS w2,
               coalesce(substring(sk from '\d+'), '') AS hn,
               coalesce(substring(sk from '[a-z][a-z][a-z]+'), '') AS sw,
               coalesce(substring(s2 from '[a-z][a-z][a-z]+'), '') AS s2w
          FROM lifecycle_dup_p
         WHERE ({partners}) AND NOT (em <> '' AND cardinality(phones) > 0)
    )
""" + "\n    UNION ALL\n".join(
    "    SELECT id, hashtextextended('%s' || %s, 0) AS k, %s AS named, %s AS complete,"
    " %s AS loose\n      FROM %s WHERE %s" % (
        letter, key, "FALSE" if letter in "evp" else "TRUE",
        "complete" if records.startswith("all") else "FALSE", "TRUE" if loose else "FALSE",
        records.replace("all", "p", 1), condition)
    for letter, records, condition, key, loose in KEY_KINDS) + "\n"
# The best score of two records that only a name links, when both have an
# email and a phone, other ones (COMPARE_SQL: other email x0.8, other phone
# x0.8, whatever the rest). Above it, the name keys of such
# "complete" records are only kept where they meet a record that misses an
# email or a phone (table lifecycle_dup_weak): same pairs above the
# threshold, a fraction of the keys to group.
NAME_ONLY_BEST = 0.8 * 0.8
WEAK_KEYS_SQL = ("CREATE TEMP TABLE lifecycle_dup_weak ON COMMIT DROP AS SELECT DISTINCT k FROM ("
                 + PARTNER_KEYS_SQL + ") k WHERE named AND NOT loose")
INCOMPLETE = "NOT (em <> '' AND cardinality(phones) > 0)"
# A key shared by more than MAX_BLOCK partners (a common first name in a
# big city) is not a block. Pairs come only from partners sharing a key.
BLOCKS_SQL = """
    CREATE TEMP TABLE lifecycle_dup_pairs ON COMMIT DROP AS
    WITH blocks AS (
        -- the keys grouped by sorting (_find_pairs): one array at a time,
        -- whatever the number of keys
        SELECT array_agg(id) AS ids FROM (""" + PARTNER_KEYS_SQL + """) k
         WHERE (NOT (named AND complete AND %(prune)s)
                OR k IN (SELECT k FROM lifecycle_dup_weak))
           AND {keys}
         GROUP BY k
        HAVING count(*) BETWEEN 2 AND CASE WHEN bool_or(loose) THEN %(loose_block)s
                                           ELSE %(max_block)s END
           AND (%(scope)s::int[] IS NULL OR bool_or(id = ANY(%(scope)s::int[])))
           -- an import's rows (negative ids): the blocks holding one
           AND (NOT %(imported)s OR min(id) < 0)
    )
    -- most blocks are two partners: their pair without unnesting (a
    -- partner whose two words sound alike gives one key twice: no pair)
    SELECT a_id, b_id FROM (
        SELECT least(ids[1], ids[2]) AS a_id, greatest(ids[1], ids[2]) AS b_id
          FROM blocks WHERE cardinality(ids) = 2 AND ids[1] <> ids[2]
        UNION ALL
        SELECT a, b FROM blocks, unnest(ids) a, unnest(ids) b
         WHERE cardinality(ids) > 2 AND a < b
    ) q
     WHERE (%(scope)s::int[] IS NULL OR a_id = ANY(%(scope)s::int[])
            OR b_id = ANY(%(scope)s::int[]))
       AND (NOT %(imported)s OR a_id < 0)
     GROUP BY a_id, b_id;
"""

# Each candidate pair compared, into lifecycle_dup_cmp: its evidence as a
# noisy-or of independent pieces, each weighted by how much it says when the
# names agree or not (`hand`); the factors of the evidence against it
# (`mult`: other tax IDs, company and person, another word in a company's
# name, other email, other phone); and its comparison pattern, the level of
# agreement of each field (FS_FIELDS of identity_linkage), from which the
# Fellegi-Sunter model gives a probability (score_pairs).
COMPARE_SQL = r"""
    CREATE TEMP TABLE {out} ON COMMIT DROP AS
    -- MATERIALIZED (PostgreSQL 12+): each similarity is computed once per
    -- pair, not once per use in the score
    WITH x AS MATERIALIZED (
        -- what can be said without comparing names: equal or conflicting
        -- values, and the place with a typo allowed: a city one or two edits
        -- (spaces ignored) from the other, a zip with one digit wrong or two
        -- swapped
        SELECT x.a_id, x.b_id, a.company_id AS a_company_id, a.nk AS a_nk, b.nk AS b_nk,
               -- a field that does not count (Duplicate Rules) neither
               -- agrees nor differs
               %(use_email)s AND a.em <> '' AND a.em = b.em AS email_eq,
               %(use_vat)s AND a.vk <> '' AND a.vk = b.vk AS vat_eq,
               %(use_vat)s AND a.vk <> '' AND b.vk <> '' AND a.vk <> b.vk AS vat_differs,
               %(use_phone)s AND a.phones && b.phones AS phone_eq,
               -- the same website, not a page on a social network
               a.wd <> '' AND a.wd = b.wd
                   AND a.wd NOT IN ('facebook.com', 'linkedin.com', 'instagram.com',
                                    'twitter.com', 'x.com', 'sites.google.com', 'google.com',
                                    'business.site', 'wixsite.com') AS web_eq,
               %(use_email)s AND a.em <> '' AND b.em <> '' AND a.em <> b.em AS email_differs,
               %(use_phone)s AND cardinality(a.phones) > 0 AND cardinality(b.phones) > 0
                   AND NOT a.phones && b.phones AS phone_differs,
               a.ck <> '' AND b.ck <> '' AND (a.ck = b.ck
                   OR levenshtein_less_equal(left(replace(a.ck, ' ', ''), 255),
                                             left(replace(b.ck, ' ', ''), 255), 2)
                      <= CASE WHEN least(length(a.ck), length(b.ck)) >= 7 THEN 2 ELSE 1 END)
                   AS city_eq,
               a.zk <> '' AND a.zk = b.zk AS zip_eq,
               a.zk <> '' AND b.zk <> '' AND a.zk <> b.zk AND length(a.zk) = length(b.zk)
                   AND CASE levenshtein_less_equal(left(a.zk, 255), left(b.zk, 255), 2)
                       WHEN 1 THEN TRUE
                       -- two edits: two digits swapped (the same digits)
                       WHEN 2 THEN (SELECT string_agg(c, '' ORDER BY c)
                                      FROM regexp_split_to_table(a.zk, '') c)
                                   = (SELECT string_agg(c, '' ORDER BY c)
                                        FROM regexp_split_to_table(b.zk, '') c)
                       ELSE FALSE END AS zip_near,
               a.ck <> '' AND b.ck <> '' AS cities, a.zk <> '' AND b.zk <> '' AS zips,
               a.ck <> '' AND a.ck = b.ck AS city_same,
               CASE WHEN %(use_street)s THEN a.sk ELSE '' END AS a_sk,
               CASE WHEN %(use_street)s THEN b.sk ELSE '' END AS b_sk,
               CASE WHEN %(use_street)s THEN a.s2 ELSE '' END AS a_s2,
               CASE WHEN %(use_street)s THEN b.s2 ELSE '' END AS b_s2,
               coalesce(a.is_company <> b.is_company, FALSE) AS kind_differs,
               coalesce(a.is_company AND b.is_company, FALSE) AS companies
          FROM {pairs} x
          JOIN lifecycle_dup_p a ON a.id = x.a_id
          JOIN lifecycle_dup_p b ON b.id = x.b_id
         WHERE (a.company_id IS NULL OR b.company_id IS NULL OR a.company_id = b.company_id)
           AND a.parent_id IS DISTINCT FROM b.id AND b.parent_id IS DISTINCT FROM a.id
    ), y AS (
        SELECT x.*,
               -- the place: other (city and zip both other, or the only one
               -- known other), half the same (one same, the other other),
               -- the same, or unknown
               CASE WHEN (cities AND NOT city_eq OR NOT cities)
                         AND (zips AND NOT (zip_eq OR zip_near) OR NOT zips)
                         AND (cities AND NOT city_eq OR zips AND NOT (zip_eq OR zip_near))
                    THEN 'other'
                    WHEN cities AND NOT city_eq OR zips AND NOT (zip_eq OR zip_near) THEN 'half'
                    WHEN city_eq OR zip_eq OR zip_near THEN 'same'
                    ELSE 'unknown' END AS place,
               -- the pairs the model may speak for: in the same city or zip,
               -- no email, phone or tax ID shared (those are weighed by hand:
               -- a shared switchboard proves little)
               (city_eq OR zip_eq) AND NOT (email_eq OR phone_eq OR vat_eq) AS fs_capable
          FROM x
    ), f AS MATERIALIZED (
        SELECT y.*,
               -- trigram similarity, or, for a typo (at most two edits), the
               -- edit distance: trigrams punish typos in short names
               CASE WHEN a_nk = b_nk THEN 1.0
                    ELSE greatest(similarity(a_nk, b_nk), CASE
                        WHEN abs(length(a_nk) - length(b_nk)) <= 2
                             AND levenshtein_less_equal(left(a_nk, 255), left(b_nk, 255), 2) <= 2
                        THEN 1.0 - levenshtein_less_equal(left(a_nk, 255), left(b_nk, 255), 2)
                                   ::float / greatest(length(a_nk), length(b_nk), 1)
                        ELSE 0 END,
                        -- the words of a name key are sorted: a typo in a
                        -- word's first letter can put a two-word name the
                        -- other way round ("green mitchell", "mitchell
                        -- rgeen"): the typo counted on the name turned back
                        CASE WHEN abs(length(a_nk) - length(b_nk)) <= 2
                                  AND split_part(b_nk, ' ', 3) = ''
                                  AND split_part(b_nk, ' ', 2) <> ''
                                  AND levenshtein_less_equal(
                                      left(a_nk, 255), left(split_part(b_nk, ' ', 2) || ' '
                                                            || split_part(b_nk, ' ', 1), 255),
                                      2) <= 2
                             THEN 1.0 - levenshtein_less_equal(
                                      left(a_nk, 255), left(split_part(b_nk, ' ', 2) || ' '
                                                            || split_part(b_nk, ' ', 1), 255),
                                      2)::float / greatest(length(a_nk), length(b_nk), 1)
                             ELSE 0 END)
               END AS name_sim,
               place = 'other' AS place_differs,
               -- two companies, one name the other's plus a word (legal
               -- forms are not in the keys): a division, a branch, a
               -- service company beside its parent ("X Service" and "X");
               -- in scripts written without spaces, one name inside the
               -- other with three letters or more to spare (letters
               -- compared without spaces: "Huawei Jishu" is the
               -- transliteration of a name written in one word)
               companies AND replace(a_nk, ' ', '') <> replace(b_nk, ' ', '') AND (
                   string_to_array(a_nk, ' ') <@ string_to_array(b_nk, ' ')
                   OR string_to_array(b_nk, ' ') <@ string_to_array(a_nk, ' ')
                   OR abs(length(a_nk) - length(b_nk)) >= 3
                      AND (strpos(replace(a_nk, ' ', ''), replace(b_nk, ' ', '')) > 0
                           OR strpos(replace(b_nk, ' ', ''), replace(a_nk, ' ', '')) > 0))
                   AS extra_word
          FROM y
           -- the best score the pair could reach if the names and streets
           -- were the same: by hand (the score below with name_sim = 1 and
           -- the best street), or by the model where it may speak (its
           -- probability at most 1) times the factors of the evidence
           -- against it. A pair that cannot reach the minimum score is not
           -- compared: two records with other emails and other phones that
           -- only a name links stop here, most pairs of a big base.
         WHERE greatest(
                   1 - (1 - CASE place WHEN 'other' THEN 0.2 WHEN 'unknown' THEN 0.6
                                       WHEN 'half' THEN 0.9
                                       ELSE CASE WHEN a_sk <> '' AND b_sk <> '' THEN 0.97
                                                 ELSE 0.7 END END
                                 * CASE WHEN %(use_name)s THEN %(w_name)s ELSE 0 END)
                       * CASE WHEN email_eq THEN 1 - %(w_email)s ELSE 1 END
                       * CASE WHEN phone_eq THEN 1 - %(w_phone)s ELSE 1 END
                       * CASE WHEN vat_eq THEN 1 - %(w_vat)s ELSE 1 END
                       * CASE WHEN web_eq THEN 1 - 0.9 ELSE 1 END,
                   CASE WHEN fs_capable THEN 1 ELSE 0 END)
               * CASE WHEN vat_differs OR kind_differs THEN 0 ELSE 1 END
               * CASE WHEN email_differs THEN 0.8 ELSE 1 END
               * CASE WHEN phone_differs THEN 0.8 ELSE 1 END
               >= %(min_score)s - 0.0005
    ), g AS MATERIALIZED (
        SELECT f.*,
               -- names related: similar, or a word (3+ letters) in common,
               -- a typo allowed
               fs_capable AND (name_sim >= 0.6 OR a_nk <> '' AND b_nk <> '' AND EXISTS (
                   SELECT 1 FROM unnest(string_to_array(a_nk, ' ')) wa,
                                 unnest(string_to_array(b_nk, ' ')) wb
                    WHERE length(wa) >= 3 AND length(wb) >= 3
                      AND levenshtein_less_equal(left(wa, 255), left(wb, 255), 2)
                          <= CASE WHEN least(length(wa), length(wb)) >= 6 THEN 2 ELSE 1 END))
                   AS name_related,
               -- the streets: for the hand weights when the names are close
               -- and the place is the same, for the model's pattern
               CASE WHEN (fs_capable OR name_sim >= 0.4 AND place IN ('same', 'half'))
                         AND a_sk <> '' AND b_sk <> '' THEN similarity(a_sk, b_sk) END
                   AS street_trgm,
               CASE WHEN fs_capable AND a_s2 <> '' AND b_s2 <> '' THEN similarity(a_s2, b_s2)
                    END AS street2_sim,
               -- the two address lines written the other way round
               CASE WHEN fs_capable THEN greatest(
                   CASE WHEN a_sk <> '' AND b_s2 <> '' THEN similarity(a_sk, b_s2) END,
                   CASE WHEN a_s2 <> '' AND b_sk <> '' THEN similarity(a_s2, b_sk) END) END
                   AS street_crossed
          FROM f
    ), h AS MATERIALIZED (
        SELECT g.*,
               -- the same street with another house number is another address
               CASE WHEN street_trgm >= %(street_min)s
                         -- the digits of each street (translate: no regex)
                         AND translate(a_sk, translate(a_sk, '0123456789', ''), '')
                             <> translate(b_sk, translate(b_sk, '0123456789', ''), '')
                         AND a_sk ~ '\d' AND b_sk ~ '\d' THEN 0.0
                    ELSE street_trgm END AS street_sim
          FROM g
    ), e AS (
        SELECT h.*,
               -- the names alone: full weight in the same place and street,
               -- little for namesakes elsewhere
               -- (Duplicate Rules: a fuzzy name counts from name_floor, at
               -- full weight from name_full; an exact one only when the same)
               CASE WHEN NOT %(use_name)s THEN 0.0
                    WHEN %(name_exact)s THEN CASE WHEN name_sim >= 1 THEN 1.0 ELSE 0.0 END
                    ELSE greatest(0.0, least(1.0, (name_sim - %(name_floor)s)
                                                  / (%(name_full)s - %(name_floor)s))) END
               * least(0.999, %(w_name)s * CASE
                   WHEN place_differs THEN CASE WHEN name_sim >= 0.95 THEN 0.2 ELSE 0 END
                   WHEN place = 'unknown' THEN 0.6
                   -- a city or zip with more than a typo: the street decides
                   WHEN place = 'half' THEN CASE WHEN street_sim >= %(street_min)s THEN 0.9
                                                 ELSE 0.3 END
                   WHEN street_sim IS NULL THEN 0.7
                   WHEN street_sim >= %(street_min)s THEN 0.97
                   ELSE 0.4 END) AS e_name,
               -- the weights of email, phone and tax ID (Duplicate Rules),
               -- less where the names say otherwise
               CASE WHEN email_eq THEN CASE WHEN name_sim >= 0.4 OR extra_word THEN %(w_email)s
                                            ELSE 0.6 / 0.95 * %(w_email)s END
                    ELSE 0 END AS e_email,
               -- a shared phone with a different name is often a switchboard
               CASE WHEN phone_eq THEN %(w_phone)s / 0.85 * CASE
                   WHEN name_sim >= 0.7 THEN 0.85 WHEN name_sim >= 0.5 THEN 0.5 ELSE 0.2 END
                    ELSE 0 END AS e_phone,
               CASE WHEN vat_eq THEN %(w_vat)s ELSE 0 END AS e_vat,
               -- the same website (its domain): a company's own, less sure
               -- than an email (a group's parts may share one)
               CASE WHEN web_eq THEN CASE WHEN name_sim >= 0.4 OR extra_word THEN 0.9
                                          ELSE 0.5 END
                    ELSE 0 END AS e_web,
               -- other tax IDs: two legal entities; a company and a person:
               -- never one record; another word in a company's name:
               -- another entity unless the email, the tax ID or the website says it is
               -- the same
               CASE WHEN vat_differs OR kind_differs THEN 0 ELSE 1 END
               * CASE WHEN extra_word AND NOT (email_eq OR vat_eq OR web_eq) THEN 0.5 ELSE 1 END
               * CASE WHEN email_differs THEN 0.8 ELSE 1 END
               * CASE WHEN phone_differs THEN 0.8 ELSE 1 END AS mult
          FROM h
    )
    SELECT a_id, b_id, a_company_id,
           (1 - (1 - e_name) * (1 - e_email) * (1 - e_phone) * (1 - e_vat) * (1 - e_web)) * mult
               AS hand,
           mult,
           -- where the model may speak: names with something in common in
           -- the same city or zip (the same address and an unlike name is
           -- a household or an office building; the same name elsewhere, a
           -- namesake). A shared email, phone or tax ID is weighed by hand
           -- (a shared switchboard proves little): the model speaks for the
           -- pairs that only a name and an address link.
           name_related AS modelled,
           -- the comparison pattern of the pairs the model may speak for:
           -- a level per field (FS_FIELDS of identity_linkage), x when a
           -- value is missing
           CASE WHEN fs_capable THEN concat_ws(',',
               CASE WHEN a_nk = '' OR b_nk = '' THEN 'x' WHEN name_sim >= 1 THEN '4'
                    WHEN name_sim >= 0.85 THEN '3' WHEN name_sim >= 0.6 THEN '2'
                    WHEN name_related THEN '1' ELSE '0' END,
               CASE WHEN email_eq THEN '1' WHEN email_differs THEN '0' ELSE 'x' END,
               CASE WHEN phone_eq THEN '1' WHEN phone_differs THEN '0' ELSE 'x' END,
               CASE WHEN vat_eq THEN '1' WHEN vat_differs THEN '0' ELSE 'x' END,
               -- the place: city and zip together (a zip agrees with its
               -- city: two fields would count one agreement twice), the
               -- level of each (0 other, 1 a typo away, 2 the same), 3 x
               -- city + zip when both are known, else 9 + city or 12 + zip
               CASE WHEN NOT (cities OR zips) THEN 'x'
                    ELSE ((CASE WHEN cities AND zips THEN 0 WHEN cities THEN 9 ELSE 12 END)
                          + (CASE WHEN NOT cities THEN 0 WHEN city_same THEN 2 WHEN city_eq THEN 1
                                  ELSE 0 END) * (CASE WHEN zips THEN 3 ELSE 1 END)
                          + (CASE WHEN NOT zips THEN 0 WHEN zip_eq THEN 2 WHEN zip_near THEN 1
                                  ELSE 0 END))::text END,
               CASE WHEN street_sim >= 0.8 THEN '2'
                    WHEN street_sim >= %(street_min)s OR street_crossed >= 0.5 THEN '1'
                    WHEN street_sim IS NULL THEN 'x' ELSE '0' END,
               CASE WHEN street2_sim IS NULL THEN 'x' WHEN street2_sim >= 0.5 THEN '1'
                    ELSE '0' END) END AS pattern,
           concat_ws(', ',
               CASE WHEN email_eq THEN 'email' END,
               CASE WHEN phone_eq THEN 'phone' END,
               CASE WHEN vat_eq THEN 'vat' END,
               CASE WHEN web_eq THEN 'website' END,
               CASE WHEN name_sim >= 1 THEN 'name'
                    WHEN name_sim >= 0.4 THEN 'name~' || round(name_sim::numeric, 2) END,
               CASE WHEN city_eq THEN 'city' END,
               CASE WHEN zip_eq THEN 'zip' END,
               CASE WHEN street_sim >= %(street_min)s THEN 'street' END,
               CASE WHEN place_differs THEN '!place' END,
               CASE WHEN vat_differs THEN '!vat' END,
               CASE WHEN email_differs THEN '!email' END,
               CASE WHEN phone_differs THEN '!phone' END,
               CASE WHEN kind_differs THEN '!kind' END,
               CASE WHEN extra_word THEN '!word' END) AS reason_codes
      FROM e
     WHERE mult > 0;
"""
# The constants of the comparison as float8, not numeric (what PostgreSQL
# makes of 0.97): over a million partners, numeric arithmetic costs a
# second more, and a score needs no exact decimals.
COMPARE_SQL = re.sub(r"(?<![\w.'])(\d+\.\d+)(?![\w.'])", r"\1::float8", COMPARE_SQL)
# The score of each compared pair: its hand-weighted evidence, or the
# probability that the Fellegi-Sunter model of its company (else of all
# customers) gives its pattern times the factors of the evidence against
# it, whichever is higher, where the model may speak (`modelled`).
SCORE_SQL = """
    CREATE TEMP TABLE lifecycle_dup_w ON COMMIT DROP AS
    SELECT * FROM unnest(%(companies)s::int[], %(patterns)s::text[], %(probs)s::float8[])
               AS w(company_id, pattern, p);
    ANALYZE lifecycle_dup_w;
    CREATE TEMP TABLE lifecycle_dup_scored ON COMMIT DROP AS
    SELECT * FROM (
        SELECT c.a_id, c.b_id, c.a_company_id, c.reason_codes,
               round(greatest(c.hand, CASE WHEN c.modelled
                                           THEN coalesce(own.p, every.p, 0) * c.mult
                                           ELSE 0 END)::numeric, 3) AS score
          FROM lifecycle_dup_cmp c
          LEFT JOIN lifecycle_dup_w own ON own.company_id = c.a_company_id
                                        AND own.pattern = c.pattern
          LEFT JOIN lifecycle_dup_w every ON every.company_id = 0 AND every.pattern = c.pattern) s
     WHERE score > 0 AND score >= %(min_score)s;
"""


class CrmPartnerDuplicate(models.Model):
    _name = "crm.partner.duplicate"
    _description = "Possible Duplicate Customers"
    _order = "score desc, id"
    _rec_name = "partner_a_id"

    partner_a_id = fields.Many2one(
        # no index of its own: the unique index of the pair starts with it
        "res.partner", string="Customer", required=True, readonly=True, ondelete="cascade",
        help="The older record of the pair.")
    partner_b_id = fields.Many2one(
        "res.partner", string="Possible Duplicate", required=True, readonly=True,
        ondelete="cascade", index=True, help="The newer record of the pair.")
    score = fields.Float(
        string="Score", digits=(4, 3), readonly=True, **compat.aggregator("max"),
        help="How sure the finder is that both records are one customer, from 0 to 1.")
    reason_codes = fields.Char(
        string="Reason Codes", readonly=True,
        help="Machine-readable evidence: email, phone, vat, name or name~similarity, city, "
             "zip, street; '!' marks evidence against.")
    reasons = fields.Char(
        string="Reasons", compute="_compute_reasons",
        help="Which fields matched and how.")
    state = fields.Selection([
        ("review", "To Review"),
        ("merged", "Merged"),
        ("distinct", "Not a Duplicate"),
    ], string="Status", default="review", required=True, readonly=True, index=True,
        help="'Not a duplicate' decisions are remembered: the finder does not propose the "
             "pair again.")
    company_id = fields.Many2one(
        "res.company", string="Company", related="partner_a_id.company_id", store=True,
        readonly=True)
    decided_uid = fields.Many2one("res.users", string="Decided By", readonly=True)
    decided_date = fields.Datetime(string="Decided On", readonly=True)
    merge_log_id = fields.Many2one("crm.partner.merge.log", string="Merge", readonly=True)
    # side-by-side comparison
    a_email = fields.Char(related="partner_a_id.email", readonly=True)
    a_phone = fields.Char(related="partner_a_id.phone", readonly=True)
    a_mobile = fields.Char(related="partner_a_id.mobile", readonly=True)
    a_vat = fields.Char(related="partner_a_id.vat", readonly=True)
    a_street = fields.Char(related="partner_a_id.street", readonly=True)
    a_zip = fields.Char(related="partner_a_id.zip", readonly=True)
    a_city = fields.Char(related="partner_a_id.city", readonly=True)
    a_country_id = fields.Many2one("res.country", related="partner_a_id.country_id", readonly=True)
    a_create_date = fields.Datetime(related="partner_a_id.create_date", readonly=True)
    b_email = fields.Char(related="partner_b_id.email", readonly=True)
    b_phone = fields.Char(related="partner_b_id.phone", readonly=True)
    b_mobile = fields.Char(related="partner_b_id.mobile", readonly=True)
    b_vat = fields.Char(related="partner_b_id.vat", readonly=True)
    b_street = fields.Char(related="partner_b_id.street", readonly=True)
    b_zip = fields.Char(related="partner_b_id.zip", readonly=True)
    b_city = fields.Char(related="partner_b_id.city", readonly=True)
    b_country_id = fields.Many2one("res.country", related="partner_b_id.country_id", readonly=True)
    b_create_date = fields.Datetime(related="partner_b_id.create_date", readonly=True)
    a_touchpoint_count = fields.Integer(
        related="partner_a_id.touchpoint_count", string="Touchpoints (Customer)")
    b_touchpoint_count = fields.Integer(
        related="partner_b_id.touchpoint_count", string="Touchpoints (Duplicate)")

    _sql_constraints = [
        ("pair_uniq", "UNIQUE (partner_a_id, partner_b_id)",
         "A pair of customers is listed once."),
        ("pair_order", "CHECK (partner_a_id < partner_b_id)",
         "The customer of a pair is the older record."),
    ]

    @api.depends("reason_codes")
    def _compute_reasons(self):
        labels = {
            "email": _("same email"), "phone": _("same phone"), "vat": _("same tax ID"),
            "name": _("same name"), "city": _("same city"), "zip": _("same zip"),
            "street": _("similar street"), "!place": _("different place"),
            "!vat": _("different tax IDs"), "!kind": _("company and person"),
            "!email": _("different emails"), "!phone": _("different phones"),
            "!word": _("another word in the company name"), "website": _("same website"),
        }
        for pair in self:
            words = []
            for code in (pair.reason_codes or "").split(", "):
                if code.startswith("name~"):
                    words.append(_("similar name (%s)") % code[5:])
                elif code:
                    words.append(labels.get(code, code))
            pair.reasons = ", ".join(words)

    @api.model
    def _threshold(self):
        return self.env["res.config.settings"]._lifecycle_read_param(
            "lifecycle_duplicate_threshold")

    @api.model
    def find_duplicates(self, partner_ids=None, rules=None):
        """Find the pairs of partners that are likely one customer.

        partner_ids: None for the whole base, or the ids of the partners
        whose pairs are looked for. Set-based: blocking keys in PostgreSQL,
        trigram similarity for names and streets, one scoring query. Open
        pairs above the threshold are created or updated, open pairs below
        it removed; decided pairs are kept as they are. Returns the number
        of open pairs. rules: the Duplicate Rules to apply (those in force
        unless given, see crm.duplicate.rule._rules).
        """
        if not self.env.user.has_group("crm_lifecycle.crm_lifecycle_group_manager"):
            raise UserError(_("Only Customer Lifecycle managers can look for duplicates."))
        if partner_ids is not None:
            partner_ids = [int(i) for i in partner_ids]
            if not partner_ids:
                return self._open_count()
            check_companies(self.env, self.env["res.partner"].with_context(
                active_test=False).browse(partner_ids).exists().mapped("company_id"))
        threshold = self._start_run()
        with planner_settings(self.env.cr, jit="off", work_mem=WORK_MEM):
            self._find_and_store(partner_ids, threshold,
                                 rules or self.env["crm.duplicate.rule"]._rules())
        compat.invalidate_all(self.env)
        return self._open_count()

    @api.model
    def _start_run(self):
        """Take the finder's lock (one run at a time: two would write the
        same pairs), bring the ORM's pending writes to the tables, drop the
        work tables of an earlier run of this transaction; the threshold.
        Its callers run the queries with JIT off (compiling these one-off
        queries costs more than it saves) and WORK_MEM."""
        if not try_job_lock(self.env, "duplicates", 0):
            raise UserError(_("The duplicate finder is running right now: try again when it "
                              "is done."))
        compat.flush(self.env)
        self._drop_work_tables()
        return self._threshold()

    # sql-write: the pairs are derived data found set-based; find_duplicates checks the manager
    # group and the companies of the partners given
    def _find_and_store(self, partner_ids, threshold, rules):
        cr = self.env.cr
        self._candidates(rules)
        self._find_pairs(partner_ids, threshold, rules)
        self._score_pairs(min_score=threshold, learn=partner_ids is None, rules=rules)
        params = {"threshold": threshold, "scope": partner_ids}
        # The pairs are the finder's, not a user's: no author (as Odoo's own
        # SQL bookkeeping rows, external IDs, have none); who decided a pair
        # is decided_uid. Each author would cost a check of the user per row
        # (at a million partners, 0.9 s of a first run's 4 s of writing).
        cr.execute("""
            INSERT INTO crm_partner_duplicate AS d
                   (partner_a_id, partner_b_id, score, reason_codes, state, company_id,
                    create_date, write_date)
            SELECT s.a_id, s.b_id, s.score, s.reason_codes, 'review', s.a_company_id,
                   now() at time zone 'UTC', now() at time zone 'UTC'
              FROM lifecycle_dup_scored s
             WHERE s.score >= %(threshold)s
            ON CONFLICT (partner_a_id, partner_b_id) DO UPDATE
               SET score = excluded.score, reason_codes = excluded.reason_codes,
                   write_date = excluded.write_date, write_uid = NULL
             WHERE d.state = 'review'
               AND (d.score, d.reason_codes) IS DISTINCT FROM (excluded.score,
                                                                excluded.reason_codes)
        """, params)
        # open pairs of the scope that are not found any more
        cr.execute("""
            DELETE FROM crm_partner_duplicate d
             WHERE d.state = 'review'
               AND (%(scope)s::int[] IS NULL OR d.partner_a_id = ANY(%(scope)s::int[])
                    OR d.partner_b_id = ANY(%(scope)s::int[]))
               AND NOT EXISTS (SELECT 1 FROM lifecycle_dup_scored s
                                WHERE s.a_id = d.partner_a_id AND s.b_id = d.partner_b_id
                                  AND s.score >= %(threshold)s)
        """, params)
        self._drop_work_tables()

    @api.model
    def preview_rules(self, rules, limit=200):
        """What `rules` (as crm.duplicate.rule._rules()) would change, before
        they are saved: the pairs a run over the whole base would propose
        that are not proposed now (appear) and the open pairs it would not
        propose (disappear), up to `limit` of each with their counts, and
        the precision and recall, now and with `rules`, on the pairs
        reviewers decided. Writes nothing."""
        if not self.env.user.has_group("crm_lifecycle.crm_lifecycle_group_manager"):
            raise UserError(_("Only Customer Lifecycle managers can change the duplicate "
                              "rules."))
        threshold = self._start_run()
        cr = self.env.cr
        with planner_settings(cr, jit="off", work_mem=WORK_MEM):
            # the run the finder would make, its models learnt but not kept
            self._candidates(rules)
            self._find_pairs(None, threshold, rules)
            models_ = self._score_pairs(min_score=threshold, learn=True, rules=rules,
                                        keep=False)
            params = {"threshold": threshold, "limit": limit}
            # sql-write: none; reads the finder's temp table beside the pairs
            cr.execute("""
                SELECT count(*) OVER (), 'appear', s.a_id, s.b_id, NULL::numeric, s.score,
                       s.reason_codes
                  FROM lifecycle_dup_scored s
                 WHERE s.score >= %(threshold)s
                   AND NOT EXISTS (SELECT 1 FROM crm_partner_duplicate d
                                    WHERE d.partner_a_id = s.a_id AND d.partner_b_id = s.b_id)
                 ORDER BY s.score DESC, s.a_id, s.b_id LIMIT %(limit)s
            """, params)
            appear = cr.fetchall()
            cr.execute("""
                SELECT count(*) OVER (), 'disappear', d.partner_a_id, d.partner_b_id, d.score,
                       s.score, s.reason_codes
                  FROM crm_partner_duplicate d
                  LEFT JOIN lifecycle_dup_scored s ON s.a_id = d.partner_a_id
                                                  AND s.b_id = d.partner_b_id
                 WHERE d.state = 'review' AND (s.score IS NULL OR s.score < %(threshold)s)
                 ORDER BY d.score DESC, d.partner_a_id, d.partner_b_id LIMIT %(limit)s
            """, params)
            disappear = cr.fetchall()
            self._drop_work_tables()
            now = self._decided_quality(self.env["crm.duplicate.rule"]._rules(),
                                        self._kept_models(), threshold)
            new = self._decided_quality(rules, models_, threshold)
        names = self.new({})

        def rows(found):
            out = []
            for _count, change, a_id, b_id, score_now, score_new, codes in found:
                names.reason_codes = codes or ""
                out.append((change, a_id, b_id, float(score_now or 0), float(score_new or 0),
                            names.reasons if codes else ""))
            return out
        return {
            "threshold": threshold, "open_count": self._open_count(),
            "appear_count": appear[0][0] if appear else 0,
            "disappear_count": disappear[0][0] if disappear else 0,
            "appear": rows(appear), "disappear": rows(disappear),
            "decided_merged": now[0], "decided_distinct": now[1],
            "precision_now": now[2], "recall_now": now[3],
            "precision_new": new[2], "recall_new": new[3],
        }

    # sql-write: the finder's own temp tables (its callers check the rights)
    @api.model
    def _load_decided(self, rules):
        """Fill temp table lifecycle_dup_dec with the pairs reviewers decided
        and add their partners to lifecycle_dup_p (a merged partner is
        archived, and no candidate), the exceptions of `rules` set aside."""
        cr = self.env.cr
        cr.execute("""
            CREATE TEMP TABLE lifecycle_dup_dec ON COMMIT DROP AS
            SELECT partner_a_id AS a_id, partner_b_id AS b_id, state
              FROM crm_partner_duplicate WHERE state IN ('merged', 'distinct')
        """)
        cr.execute(DECIDED_PARTNERS_SQL)
        self._apply_exceptions("lifecycle_dup_p", rules)

    # sql-write: the finder's own temp tables (preview_rules checks the manager group)
    @api.model
    def _decided_quality(self, rules, models_, threshold):
        """(merged, not duplicates, precision %, recall %) at `threshold` of
        `rules` on the pairs reviewers decided."""
        cr = self.env.cr
        self._drop_tables(("lifecycle_dup_dec",))
        cr.execute(NO_CANDIDATES_SQL)
        self._load_decided(rules)
        cr.execute("CREATE UNIQUE INDEX ON lifecycle_dup_p (id); ANALYZE lifecycle_dup_p")
        cr.execute("CREATE TEMP TABLE lifecycle_dup_pairs ON COMMIT DROP AS "
                   "SELECT a_id, b_id FROM lifecycle_dup_dec")
        self._score_pairs(min_score=threshold, rules=rules, models_=models_)
        cr.execute("""
            SELECT count(*) FILTER (WHERE d.state = 'merged'),
                   count(*) FILTER (WHERE d.state = 'distinct'),
                   count(*) FILTER (WHERE d.state = 'merged' AND s.a_id IS NOT NULL),
                   count(*) FILTER (WHERE d.state = 'distinct' AND s.a_id IS NOT NULL)
              FROM lifecycle_dup_dec d
              LEFT JOIN lifecycle_dup_scored s USING (a_id, b_id)
        """)
        merged, distinct, right, wrong = cr.fetchone()
        self._drop_work_tables(extra=("lifecycle_dup_dec",))
        return (merged, distinct,
                100.0 * right / (right + wrong) if right + wrong else 0.0,
                100.0 * right / merged if merged else 0.0)

    @api.model
    def _drop_work_tables(self, extra=()):
        """Drop the finder's temp tables (and `extra` ones), if there."""
        self._drop_tables(("lifecycle_dup_scored", "lifecycle_dup_w", "lifecycle_dup_cmp",
                           "lifecycle_dup_pairs", "lifecycle_dup_weak", "lifecycle_dup_p",
                           "lifecycle_dup_imp_keys")
                          + tuple(extra))

    @api.model
    def _drop_tables(self, tables):
        for table in tables:
            self.env.cr.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))

    # sql-write: the finder's own temp tables (find_duplicates checks the manager group)
    @api.model
    def _candidates(self, rules):
        """Fill temp table lifecycle_dup_p with the values of the partners
        compared, the exceptions of `rules` set aside."""
        cr = self.env.cr
        # the partners read by parallel workers where the server has them:
        # PostgreSQL's default price of passing a row from a worker keeps
        # this scan serial, though the values computed per partner cost
        # more than passing them (at a million partners: 1.7 s against
        # 2.8 s, the same rows)
        with planner_settings(cr, parallel_setup_cost="0", parallel_tuple_cost="0.001"):
            cr.execute(CANDIDATES_SQL)
        self._apply_exceptions("lifecycle_dup_p", rules)
        cr.execute("CREATE UNIQUE INDEX ON lifecycle_dup_p (id); ANALYZE lifecycle_dup_p")

    # sql-write: the finder's own temp tables (its callers check the rights)
    @api.model
    def _apply_exceptions(self, table, rules):
        """Blank, in the finder's work table `table`, the emails and phones
        that prove nothing (the exceptions of the Duplicate Rules: a
        switchboard, info@ addresses): they neither make candidates nor
        count for or against a pair."""
        exceptions = rules["exceptions"]
        if not any(exceptions.values()):
            return
        self.env.cr.execute(sql.SQL("""
            UPDATE {table}
               SET em = CASE WHEN em = ANY(%(emails)s::varchar[])
                                  OR left(em, strpos(em, '@')) = ANY(%(starts)s::varchar[])
                             THEN '' ELSE em END,
                   phones = ARRAY(SELECT ph FROM unnest(phones) ph
                                   WHERE NOT ph = ANY(%(phones)s::varchar[]))::varchar[]
             WHERE em = ANY(%(emails)s::varchar[])
                OR em <> '' AND left(em, strpos(em, '@')) = ANY(%(starts)s::varchar[])
                OR phones && %(phones)s::varchar[]
        """).format(table=sql.Identifier(table)), {
            "emails": exceptions["emails"], "starts": exceptions["email_starts"],
            "phones": exceptions["phones"]})

    @api.model
    def _find_pairs(self, partner_ids, min_score, rules=None, imported=False):
        """Fill temp table lifecycle_dup_pairs with the candidate pairs of
        lifecycle_dup_p (of `partner_ids` only unless None) that may score
        min_score or more. imported: only the pairs of the rows of an
        import (negative ids in lifecycle_dup_p) with any row."""
        cr = self.env.cr
        rules = rules or self.env["crm.duplicate.rule"]._rules()
        # the name keys of records with an email and a phone are pruned
        # only where other emails and phones count against a pair
        prune = (min_score > NAME_ONLY_BEST and rules["email"]["use"]
                 and rules["phone"]["use"])
        # the keys grouped by sorting, not hashing: most keys are one
        # partner's, and a hash table of millions of keys (each with its
        # array of ids) is slower to fill than the keys are to sort, and
        # spills to disk (measured at a million partners: 7 s against 11 s)
        # an import's rows: only the keys one of them has make blocks
        # holding one; the others are left out before the keys are grouped
        # (at a million customers, most of the keys)
        keys = sql.SQL("TRUE")
        if imported:
            self._drop_tables(("lifecycle_dup_imp_keys",))
            cr.execute(sql.SQL(
                "CREATE TEMP TABLE lifecycle_dup_imp_keys ON COMMIT DROP AS "
                "SELECT DISTINCT k FROM ({}) k").format(
                    sql.SQL(PARTNER_KEYS_SQL).format(partners=sql.SQL("id < 0"))))
            cr.execute("ANALYZE lifecycle_dup_imp_keys")
            keys = sql.SQL("k IN (SELECT k FROM lifecycle_dup_imp_keys)")
        with planner_settings(cr, enable_hashagg="off"):
            cr.execute(sql.SQL(WEAK_KEYS_SQL + " AND {keys}").format(
                partners=sql.SQL(INCOMPLETE if prune else "FALSE"), keys=keys))
            cr.execute("ANALYZE lifecycle_dup_weak")
            cr.execute(sql.SQL(BLOCKS_SQL).format(partners=sql.SQL("TRUE"), keys=keys), {
                "max_block": MAX_BLOCK, "loose_block": LOOSE_BLOCK, "scope": partner_ids,
                "imported": imported,
                "prune": prune})

    @api.model
    def _score_pairs(self, min_score=0.0, learn=False, rules=None, keep=True, models_=None):
        """Score the pairs of temp table lifecycle_dup_pairs (a_id < b_id)
        whose values are in lifecycle_dup_p, into lifecycle_dup_scored.

        min_score: the pairs scoring less are left out; those that cannot
        reach it whatever their names are not even compared. learn: estimate
        the Fellegi-Sunter models from these pairs' patterns and the
        reviewers' decisions (a run over the whole base) and keep them; else
        use the models kept by the last such run; keep: store the learnt
        models (not for a preview). rules: the Duplicate Rules (those in
        force unless given). models_: the models to use ({company or 0:
        Model}) instead of learning or the kept ones. Returns the models
        used."""
        cr = self.env.cr
        rules = rules or self.env["crm.duplicate.rule"]._rules()
        # temp tables are never analysed automatically: without statistics
        # the planner picks nested loops over them
        cr.execute("ANALYZE lifecycle_dup_pairs")
        self._compare("lifecycle_dup_pairs", "lifecycle_dup_cmp", min_score, rules)
        cr.execute("SELECT coalesce(a_company_id, 0), pattern, count(*) FROM lifecycle_dup_cmp "
                   "WHERE pattern IS NOT NULL GROUP BY 1, 2")
        counts = {}
        for company_id, pattern, n in cr.fetchall():
            counts.setdefault(company_id, {})[pattern] = n
        if models_ is None:
            models_ = (self._learn(counts, self._decided_patterns(rules), keep) if learn
                       else self._kept_models())
        # the probability of each pattern that occurs, per company (0: the
        # model of all customers, for the companies without their own)
        companies, patterns, probs = [], [], []
        occurring = {p for by_pattern in counts.values() for p in by_pattern}
        for company_id, model in models_.items():
            for pattern in occurring:
                companies.append(company_id)
                patterns.append(pattern)
                probs.append(linkage.posterior(model, linkage.parse(pattern)))
        cr.execute(SCORE_SQL, {"min_score": min_score, "companies": companies,
                               "patterns": patterns, "probs": probs})
        cr.execute("CREATE INDEX ON lifecycle_dup_scored (a_id, b_id); "
                   "ANALYZE lifecycle_dup_scored; DROP TABLE lifecycle_dup_w")
        return models_

    @api.model
    def _compare(self, pairs, out, min_score, rules):
        # the values of both partners of each pair joined by merging: the
        # pairs sorted, the partners read in the order of their index,
        # instead of two hash tables of every candidate's values (at a
        # million partners: 0.5 s less, a tenth of the comparison)
        with planner_settings(self.env.cr, enable_hashjoin="off"):
            self.env.cr.execute(sql.SQL(COMPARE_SQL).format(out=sql.Identifier(out),
                                                            pairs=sql.Identifier(pairs)),
                                dict(sql_params(rules), min_score=min_score))

    # sql-write: temp tables of the finder's own run (find_duplicates checks the manager group)
    @api.model
    def _decided_patterns(self, rules):
        """{company: {pattern: (merged, not duplicates)}} of the pairs
        reviewers decided, compared as the candidates are (their partners
        added to lifecycle_dup_p after the blocking: a merged partner is
        archived, and no candidate)."""
        cr = self.env.cr
        self._drop_tables(("lifecycle_dup_dec", "lifecycle_dup_dec_cmp"))
        self._load_decided(rules)
        self._compare("lifecycle_dup_dec", "lifecycle_dup_dec_cmp", 0.0, rules)
        cr.execute("""
            SELECT coalesce(c.a_company_id, 0), c.pattern,
                   count(*) FILTER (WHERE d.state = 'merged'),
                   count(*) FILTER (WHERE d.state = 'distinct')
              FROM lifecycle_dup_dec_cmp c JOIN lifecycle_dup_dec d USING (a_id, b_id)
             WHERE c.pattern IS NOT NULL
             GROUP BY 1, 2
        """)
        decided = {}
        for company_id, pattern, merged, distinct in cr.fetchall():
            decided.setdefault(company_id, {})[pattern] = (merged, distinct)
        self._drop_tables(("lifecycle_dup_dec", "lifecycle_dup_dec_cmp"))
        return decided

    @api.model
    def _learn(self, counts, decided, keep=True):
        """Estimate (and keep, unless not `keep`) a model per company with
        LEARN_MIN_PAIRS compared pairs or more, and one of all customers
        (company 0). Returns {company id or 0: Model}."""
        def parsed(by_pattern):
            return {linkage.parse(p): n for p, n in by_pattern.items()}
        every, every_decided = {}, {}
        for by_pattern in counts.values():
            for pattern, n in by_pattern.items():
                every[pattern] = every.get(pattern, 0) + n
        for by_pattern in decided.values():
            for pattern, (merged, distinct) in by_pattern.items():
                before = every_decided.get(pattern, (0, 0))
                every_decided[pattern] = (before[0] + merged, before[1] + distinct)
        Model = self.env["crm.duplicate.model"]
        learnt = {}
        for company_id, by_pattern, by_decision in (
                [(0, every, every_decided)]
                + [(c, counts[c], decided.get(c, {})) for c in counts if c]):
            if sum(by_pattern.values()) < LEARN_MIN_PAIRS:
                continue
            model = linkage.estimate(parsed(by_pattern), labelled={
                linkage.parse(p): md for p, md in by_decision.items()})
            if keep:
                Model._store(company_id or False, model, parsed(by_pattern),
                             sum(m + d for m, d in by_decision.values()))
            learnt[company_id] = model
        return learnt or self._kept_models()

    @api.model
    def _kept_models(self):
        """{company id or 0: Model} of the weights kept."""
        return {record.company_id.id or 0: record._model()
                for record in self.env["crm.duplicate.model"].search([])}

    @api.model
    def _open_count(self):
        return self.search_count([("state", "=", "review")])

    @api.model
    def _cron_find_duplicates(self):
        # sudo: the nightly cron works for the whole base; it takes no input
        count = self.sudo().find_duplicates()
        _logger.info("crm_lifecycle: %d possible duplicate pairs to review", count)

    @api.model
    def action_find_duplicates(self):
        self.find_duplicates()
        return compat.action_values(self.env.ref(
            "crm_lifecycle.crm_partner_duplicate_action"))

    # ------------------------------------------------------------ decisions
    def action_not_duplicate(self):
        self.write({"state": "distinct", "decided_uid": self.env.uid,
                    "decided_date": fields.Datetime.now()})
        return True

    def action_reopen(self):
        self.filtered(lambda d: d.state == "distinct").write({
            "state": "review", "decided_uid": False, "decided_date": False})
        return True

    def action_merge(self):
        """Open the merge wizard on the partners of the selected pairs."""
        partners = self.mapped("partner_a_id") | self.mapped("partner_b_id")
        return self.env["crm.partner.merge.wizard"].action_open(partners.ids, pairs=self)
