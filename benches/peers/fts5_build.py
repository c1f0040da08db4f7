"""SQLite FTS5 side of `just bench` (benches/peers.rs): builds an on-disk FTS5 table of turns
(porter tokenizer) from a TSV of `role, industry, text` lines, as a researcher would with
python3's sqlite3.

Usage: python3 fts5_build.py TURNS.tsv DB
"""
import os, sqlite3, sys

tsv, db_path = sys.argv[1], sys.argv[2]
if os.path.exists(db_path):
    os.remove(db_path)
db = sqlite3.connect(db_path)
db.execute("CREATE VIRTUAL TABLE t USING fts5(text, role, industry, tokenize = 'porter unicode61')")
with open(tsv, encoding="utf-8") as f:
    rows = (line.rstrip("\n").split("\t", 2)[::-1] for line in f)
    db.executemany("INSERT INTO t(text, industry, role) VALUES (?, ?, ?)", rows)
db.commit()
db.close()
