# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Binary COPY to and from numpy arrays, against the real PostgreSQL."""
import numpy as np

from odoo.tests.common import TransactionCase

from .. import pgcopy

COLUMNS = [("a", "int4"), ("b", "int8"), ("c", "float8"), ("d", "int2")]


class TestPgCopy(TransactionCase):
    def copy_out(self, query, block_rows=3):
        blocks = []
        reader = pgcopy.Reader(COLUMNS, blocks.append, block_rows=block_rows)
        pgcopy.copy_out(self.env.cr, query, reader)
        return blocks

    def test_rows_read_in_blocks(self):
        blocks = self.copy_out("""
            COPY (SELECT g::int4, (g * 10000000000)::int8, g / 4.0::float8, (-g)::int2
                    FROM generate_series(1, 10) g) TO STDOUT (FORMAT binary)""")
        self.assertGreater(len(blocks), 1)   # streamed, not read at once
        rows = np.concatenate(blocks)
        self.assertEqual(rows["a"].tolist(), list(range(1, 11)))
        self.assertEqual(rows["b"][-1], 100000000000)
        self.assertEqual(rows["c"].tolist(), [g / 4.0 for g in range(1, 11)])
        self.assertEqual(rows["d"].tolist(), [-g for g in range(1, 11)])

    def test_null_or_other_type_is_refused(self):
        # the first of ten rows is wrong: the rows after it are out of step
        with self.assertRaisesRegex(ValueError, "row 1 of the COPY stream: column c is NULL"):
            self.copy_out("""
                COPY (SELECT g::int4, g::int8, CASE WHEN g > 1 THEN g END::float8, g::int2
                        FROM generate_series(1, 10) g) TO STDOUT (FORMAT binary)""")
        with self.assertRaisesRegex(ValueError,
                                    "row 1 of the COPY stream: column b is NULL or not int8"):
            self.copy_out("""
                COPY (SELECT g::int4, g::int4, g::float8, g::int2
                        FROM generate_series(1, 10) g) TO STDOUT (FORMAT binary)""")
        # a single short row: not a whole number of rows
        with self.assertRaisesRegex(ValueError, "does not end on a row boundary"):
            self.copy_out("""
                COPY (SELECT 1::int4, 2::int8, NULL::float8, 3::int2)
                  TO STDOUT (FORMAT binary)""")

    def test_cut_stream_is_refused(self):
        reader = pgcopy.Reader(COLUMNS, lambda block: None)
        row = np.zeros(1, dtype=pgcopy.row_dtype(COLUMNS))
        row["_count"] = 4
        for name, pg_type in COLUMNS:
            row["_len_" + name] = np.dtype(pgcopy.TYPES[pg_type]).itemsize
        reader.write(pgcopy.HEADER + row.tobytes()[:-3])
        with self.assertRaisesRegex(ValueError, "does not end on a row boundary"):
            reader.close()

    def test_arrays_written_back(self):
        cr = self.env.cr
        cr.execute("CREATE TEMPORARY TABLE pgcopy_test (a int4, b int8, c float8, d int2)")
        arrays = {"a": np.arange(1000), "b": np.arange(1000) * 3, "c": np.linspace(0, 1, 1000),
                  "d": np.full(1000, 7)}
        cr.copy_expert("COPY pgcopy_test (a, b, c, d) FROM STDIN (FORMAT binary)",
                       pgcopy.Writer(COLUMNS, arrays, block_rows=64))
        cr.execute("SELECT count(*), sum(a), sum(b), max(c), min(d) FROM pgcopy_test")
        self.assertEqual(cr.fetchone(), (1000, 499500, 1498500, 1.0, 7))
