"""A failed load keeps its own error: a rollback that finds no transaction must not replace it."""

import duckdb
import pytest

from assets.warehouse import roll_back


def test_the_original_error_survives_a_rollback_without_a_transaction():
    con = duckdb.connect()
    with pytest.raises(OSError, match="No space left on device") as caught:
        try:
            raise OSError(28, "No space left on device")
        except OSError:
            roll_back(con)  # DuckDB ended the transaction already: a plain rollback would raise here
            raise
    assert caught.value.__context__ is None
    with pytest.raises(duckdb.TransactionException, match="no transaction is active"):
        con.execute("rollback")  # what the loader used to raise from its handler


def test_an_open_transaction_is_rolled_back():
    con = duckdb.connect()
    con.execute("create table t (x integer)")
    con.execute("begin transaction")
    con.execute("insert into t values (1)")
    roll_back(con)
    assert con.execute("select count(*) from t").fetchone()[0] == 0
