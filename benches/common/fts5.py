"""SQLite FTS5 side of `just bench` (search): builds one row per turn with the porter tokenizer
from a TSV of turns, then times each query (count + top 10 by rank), warm, in process.

Usage: python3 fts5.py TURNS.tsv QUERIES.json RUNS  -> prints one JSON object on stdout.
"""
import json, sqlite3, sys, time

turns_path, queries_path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = []
with open(turns_path, encoding="utf-8") as f:
    for line in f:
        role, industry, text = line.rstrip("\n").split("\t", 2)
        rows.append((text, role, industry))
db = sqlite3.connect(":memory:")
db.execute("CREATE VIRTUAL TABLE t USING fts5(text, role, industry, tokenize = 'porter unicode61')")
start = time.perf_counter()
db.executemany("INSERT INTO t(text, role, industry) VALUES (?, ?, ?)", rows)
db.commit()
build = time.perf_counter() - start
queries = json.load(open(queries_path, encoding="utf-8"))
times = []
counts = []
for q in queries:
    db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (q,)).fetchone()  # warm
for _ in range(runs):
    for q in queries:
        t0 = time.perf_counter()
        n = db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (q,)).fetchone()[0]
        db.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank LIMIT 10", (q,)).fetchall()
        times.append(time.perf_counter() - t0)
        counts.append(n)
times.sort()
pct = lambda p: times[min(len(times) - 1, int(p * len(times)))] * 1000
print(json.dumps({"rows": len(rows), "build_s": build, "p50_ms": pct(0.5), "p95_ms": pct(0.95),
                  "counts": counts[: len(queries)]}))
