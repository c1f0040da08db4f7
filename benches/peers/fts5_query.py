"""One FTS5 query as a whole process (benches/peers.rs): opens the database `fts5_build.py`
wrote, prints the count of matching turns and the top 10 rowids by rank.

Usage: python3 fts5_query.py DB QUERY
"""
import sqlite3, sys

db = sqlite3.connect(sys.argv[1])
q = sys.argv[2]
print(db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (q,)).fetchone()[0])
print([r[0] for r in db.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank LIMIT 10", (q,))])
