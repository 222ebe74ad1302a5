# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""PostgreSQL's binary COPY format to and from numpy arrays, for columns of
fixed width that are never NULL (int2, int4, int8, float8).

Such rows all have the same size, so a block of them is one numpy record
array with big-endian fields: millions of rows are read or written without
a Python loop per row or per value. The format is described in the
PostgreSQL manual, "COPY", section "Binary Format": a 19-byte header, then
per row an int16 field count and per field an int32 length and the value,
then an int16 -1 trailer. No Odoo import: plain numpy.
"""
import fcntl
import logging
import os
import struct
import threading

import numpy as np  # pylint: disable=missing-import-error

_logger = logging.getLogger(__name__)
SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
HEADER = SIGNATURE + struct.pack(">ii", 0, 0)
TRAILER = struct.pack(">h", -1)
PIPE_SIZE = 1 << 20
F_SETPIPE_SZ = 1031  # Linux
TYPES = {"int2": "i2", "int4": "i4", "int8": "i8", "float8": "f8"}


def row_dtype(columns):
    """The record type of one row of `columns`, a list of (name, type) with
    type one of TYPES."""
    spec = [("_count", ">i2")]
    for name, pg_type in columns:
        spec += [("_len_" + name, ">i4"), (name, ">" + TYPES[pg_type])]
    return np.dtype(spec)


class Reader(object):
    """A file-like target for `COPY (...) TO STDOUT (FORMAT binary)`: calls
    `on_rows(block)` with a record array for every `block_rows` rows
    received (and for the rest on close). Raises ValueError on a NULL or a
    column of another width than declared."""

    def __init__(self, columns, on_rows, block_rows=1 << 19):
        self.columns = columns
        self.dtype = row_dtype(columns)
        self.on_rows = on_rows
        self.block_rows = block_rows
        self.block_bytes = self.dtype.itemsize * block_rows
        self.chunks = []
        self.size = 0
        self.header_done = False
        self.rows = 0

    def write(self, data):  # pylint: disable=method-required-super
        self.chunks.append(bytes(data))
        self.size += len(data)
        if not self.header_done and self.size >= len(HEADER):
            data = b"".join(self.chunks)
            if data[:len(SIGNATURE)] != SIGNATURE:
                raise ValueError("not a binary COPY stream")
            extension = struct.unpack(">i", data[15:19])[0]
            if len(data) < 19 + extension:
                return len(data)
            self.chunks, self.size = [data[19 + extension:]], len(data) - 19 - extension
            self.header_done = True
        if self.header_done and self.size >= self.block_bytes:
            self._emit(keep=0)
        return len(data)

    def _emit(self, keep):
        """Pass on the complete rows received, less the last `keep` bytes."""
        data = b"".join(self.chunks)
        count = (len(data) - keep) // self.dtype.itemsize
        size = count * self.dtype.itemsize
        self.chunks, self.size = [data[size:]], len(data) - size
        if count:
            rows = np.frombuffer(data, dtype=self.dtype, count=count)
            self._check(rows)
            self.rows += count
            for start in range(0, count, self.block_rows):
                self.on_rows(rows[start:start + self.block_rows])

    def _check(self, rows):
        """The first row that is not as declared, if any: which and why."""
        widths = [(name, np.dtype(TYPES[pg_type]).itemsize, pg_type)
                  for name, pg_type in self.columns]
        bad = rows["_count"] != len(self.columns)
        for name, width, _type in widths:
            bad |= rows["_len_" + name] != width
        if not bad.any():
            return
        first = int(np.argmax(bad))
        row, number = rows[first], self.rows + first + 1
        # the fields before the count is off are still in step
        for name, width, pg_type in widths:
            if row["_count"] == len(self.columns) and row["_len_" + name] != width:
                raise ValueError("row %d of the COPY stream: column %s is NULL or not %s"
                                 % (number, name, pg_type))
        raise ValueError("row %d of the COPY stream has %d columns, not %d"
                         % (number, row["_count"], len(self.columns)))

    def close(self):
        """Emit the last rows; the stream must end with the trailer."""
        self._emit(keep=len(TRAILER))
        if b"".join(self.chunks) != TRAILER:
            raise ValueError("binary COPY stream that does not end on a row boundary (a "
                             "NULL, a column of another type, or a cut stream)")


class Writer(object):
    """A file-like source for `COPY table (...) FROM STDIN (FORMAT binary)`:
    the rows of `arrays` (a mapping column name → array, all of one length)
    encoded `block_rows` at a time."""

    def __init__(self, columns, arrays, block_rows=1 << 16):
        self.columns = columns
        self.dtype = row_dtype(columns)
        self.arrays = arrays
        self.count = len(arrays[columns[0][0]]) if columns else 0
        self.block_rows = block_rows
        self.position = 0
        self.state = "header"

    def read(self, _size=-1):  # pylint: disable=method-required-super
        if self.state == "header":
            self.state = "rows"
            return HEADER
        if self.state == "rows":
            if self.position >= self.count:
                self.state = "trailer"
                return TRAILER
            stop = min(self.position + self.block_rows, self.count)
            block = np.empty(stop - self.position, dtype=self.dtype)
            block["_count"] = len(self.columns)
            for name, pg_type in self.columns:
                block["_len_" + name] = np.dtype(TYPES[pg_type]).itemsize
                block[name] = self.arrays[name][self.position:stop]
            self.position = stop
            return block.tobytes()
        return b""


def copy_out(cursor, query, reader):
    """Run `query` (a COPY ... TO STDOUT) on the psycopg2 `cursor` into
    `reader`, then close the reader.

    psycopg2 hands every row of a COPY to the target's write(), which would
    mean one Python call per row. So the target is a C-buffered pipe, and a
    thread reads the pipe in large blocks into the reader while PostgreSQL
    sends the next rows."""
    read_fd, write_fd = os.pipe()
    try:
        fcntl.fcntl(write_fd, F_SETPIPE_SZ, PIPE_SIZE)
    except OSError as error:  # not Linux, or over the system's limit
        _logger.debug("pgcopy: default pipe size kept: %s", error)
    errors = []

    def consume():
        with open(read_fd, "rb", buffering=0) as source:
            while True:
                chunk = source.read(PIPE_SIZE)
                if not chunk:
                    break
                if not errors:
                    try:
                        reader.write(chunk)
                    except Exception as error:  # pylint: disable=broad-except
                        # keep draining, or PostgreSQL's side would block
                        errors.append(error)

    thread = threading.Thread(target=consume, name="pgcopy")
    thread.start()
    try:
        with open(write_fd, "wb", buffering=PIPE_SIZE) as sink:
            cursor.copy_expert(query, sink)
    finally:
        thread.join()
    if errors:
        raise errors[0]
    reader.close()
