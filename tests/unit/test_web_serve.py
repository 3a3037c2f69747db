"""Running the feed server: the batched log handler `ritual serve` writes with."""

from __future__ import annotations

import io
import logging

from engine.web.serve import BatchedStreamHandler


def test_batched_lines_come_out_in_order_and_none_is_lost_at_close() -> None:
    stream = io.StringIO()
    handler = BatchedStreamHandler(stream, interval=3600)  # only flush() and close() write
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tests.batched")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.warning("first %s", "line")
        logger.warning("second line")
        assert stream.getvalue() == ""
        handler.flush()
        assert stream.getvalue() == "WARNING first line\nWARNING second line\n"
        logger.warning("third line")
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert stream.getvalue().endswith("WARNING second line\nWARNING third line\n")


def test_a_line_that_cannot_be_formatted_does_not_stop_the_others() -> None:
    stream = io.StringIO()
    handler = BatchedStreamHandler(stream, interval=3600)
    logger = logging.getLogger("tests.batched.bad")
    logger.propagate = False
    logger.addHandler(handler)
    raise_exceptions = logging.raiseExceptions
    logging.raiseExceptions = False  # as in production: a bad record is dropped quietly
    try:
        logger.warning("%d", "not a number")
        logger.warning("fine")
    finally:
        logging.raiseExceptions = raise_exceptions
        logger.removeHandler(handler)
        handler.close()
    assert stream.getvalue() == "fine\n"
