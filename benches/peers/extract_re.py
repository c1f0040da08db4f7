"""The extraction script a researcher would write instead of jtbd: Python's `re`, one pass over
every transcript file, a sentence split and a cue list per force, one JSON line per hit with the
file, byte offset and force. No speaker roles, no formats beyond reading the text: the peer of
`jtbd extract` in `just bench` (benches/peers.rs).

Usage: python3 extract_re.py DIR > hits.jsonl   (the count of hits goes to stderr)
"""
import json, os, re, sys

CUES = {
    "anxiety": r"\b(?:worr(?:y|ied|ies)|afraid|scared|nervous|concern(?:ed|s)?|risk(?:y|s)?|fear(?:s)?|what if)\b",
    "frustration": r"\b(?:frustrat\w*|pain(?:ful)?|annoy\w*|hate|waste[sd]?|broken|tedious|nightmare|slow)\b",
    "desired_progress": r"\b(?:(?:want|need|wish|hope)(?:ed)? to|would love|would like|(?:i|we)'d love|looking for)\b",
}
PATTERNS = [(force, re.compile(p, re.IGNORECASE)) for force, p in CUES.items()]
SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")

def main(root):
    hits = 0
    out = sys.stdout
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                data = f.read()
            text = data.decode("utf-8", errors="replace")
            for m in SENTENCE.finditer(text):
                sentence = m.group(0)
                for force, pattern in PATTERNS:
                    if pattern.search(sentence):
                        hits += 1
                        out.write(json.dumps({"path": path, "start": m.start(), "force": force,
                                              "text": sentence.strip()}) + "\n")
    print(hits, file=sys.stderr)

if __name__ == "__main__":
    main(sys.argv[1])
