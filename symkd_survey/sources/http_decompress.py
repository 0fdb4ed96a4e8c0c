"""Bounded decompression of an answer (``Content-Encoding: gzip`` or ``deflate``), as
:class:`~symkd_survey.sources.http_client.HttpClient` reads it: never more than the limit plus
one byte is produced (``zlib.decompressobj().decompress(data, max_length)``), so a gzip bomb
costs no more than an honest answer.
"""

from __future__ import annotations

import zlib


class Overflow(Exception):
    """The decoded answer passed the limit."""


class Inflater:
    """gzip or deflate decoding that never produces more than ``limit`` + 1 bytes.

    ``decompress(data, max_length)`` stops at ``max_length`` output bytes and keeps the rest of
    the input in ``unconsumed_tail``; since each call asks for at most one byte more than the
    room left, reaching the tail means the limit was passed. Concatenated gzip members are
    decoded in turn; "deflate" is the zlib format, or raw deflate from servers that get it wrong.
    """

    def __init__(self, encoding: str, limit: int, *, piece: int) -> None:
        self.encoding = encoding
        self.limit = limit
        self.piece = piece
        self.out = bytearray()
        self._started = False
        self._decoder = self._new()

    def _new(self, *, raw: bool = False) -> zlib._Decompress:
        if raw:
            return zlib.decompressobj(-zlib.MAX_WBITS)
        if self.encoding == "deflate":
            return zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib or gzip header, detected
        return zlib.decompressobj(16 + zlib.MAX_WBITS)

    def feed(self, data: bytes) -> None:
        """Decode ``data``; raise Overflow past the limit, zlib.error on a damaged stream.

        Each call to the decoder yields at most ``piece`` bytes, so that no single piece of
        output is large; a full piece means more may be pending, so the decoder is asked again
        (with the unconsumed input, or none) until it yields less.
        """
        while True:
            if self._decoder.eof:  # a further gzip member, or trailing bytes
                if self.encoding == "deflate" or not data.strip(b"\0"):
                    return  # padding or junk after a complete stream: ignored, as browsers do
                self._decoder = self._new()
            room = min(self.limit + 1 - len(self.out), self.piece)
            try:
                produced = self._decoder.decompress(data, room)
            except zlib.error:
                if self.encoding == "deflate" and not self._started:
                    self._started = True
                    self._decoder = self._new(raw=True)
                    continue
                raise
            self._started = True
            self.out += produced
            if len(self.out) > self.limit:
                raise Overflow
            if self._decoder.eof:
                data = self._decoder.unused_data
                if not data:
                    return
                continue
            data = self._decoder.unconsumed_tail
            if not data and len(produced) < room:
                return

    def finish(self) -> bytes:
        if not self._decoder.eof:
            raise zlib.error("the compressed answer ends early")
        return bytes(self.out)
