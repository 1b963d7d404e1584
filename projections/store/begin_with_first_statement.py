"""A psycopg2 cursor that opens its transaction with its first statement (psycopg2 is imported
late: it is needed only with PostgreSQL)."""

import functools


@functools.cache
def begun_by_first_statement():
    """A cursor class whose first statement is prefixed with BEGIN: a transaction costs no round
    trip of its own for BEGIN."""
    import psycopg2.extensions

    class BegunByFirstStatement(psycopg2.extensions.cursor):
        begun = False

        def execute(self, query, vars=None):
            if not self.begun:
                query = (b"BEGIN; " if isinstance(query, bytes) else "BEGIN; ") + query
                self.begun = True
            return super().execute(query, vars)

        def _begin(self):
            if not self.begun:
                self.execute("BEGIN")

        def executemany(self, query, vars_list):
            self._begin()
            return super().executemany(query, vars_list)

        def copy_expert(self, sql, file, size=8192):  # a bulk load (COPY) is inside the transaction too
            self._begin()
            return super().copy_expert(sql, file, size)

    return BegunByFirstStatement
