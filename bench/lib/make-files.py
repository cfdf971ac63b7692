#!/usr/bin/env python3
"""Writes a benchmark context deterministically: the same arguments give the same bytes.

  make-files.py tree DIR FILES SIZE   FILES text files of SIZE bytes (base64 lines, about as
                                      compressible as minified sources) in 100 files a directory
  make-files.py blob FILE SIZE        one binary file of SIZE bytes that does not compress

Seeded pseudo-random data (random.Random.randbytes), so every file differs from every other and
neither builder can take a shortcut on repeated content.
"""
import base64
import os
import random
import sys

CHUNK = 1 << 20


def tree(root, files, size):
    rng = random.Random(f"tree:{files}:{size}")
    raw = size * 3 // 4 + 3
    for i in range(files):
        d = os.path.join(root, f"d{i // 100:03d}")
        if i % 100 == 0:
            os.makedirs(d, exist_ok=True)
        text = base64.encodebytes(rng.randbytes(raw))[:size]
        with open(os.path.join(d, f"f{i % 100:02d}.txt"), "wb") as f:
            f.write(text)


def blob(path, size):
    rng = random.Random(f"blob:{size}")
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(CHUNK, left)
            f.write(rng.randbytes(n))
            left -= n


def main(argv):
    if len(argv) == 5 and argv[1] == "tree":
        tree(argv[2], int(argv[3]), int(argv[4]))
    elif len(argv) == 4 and argv[1] == "blob":
        blob(argv[2], int(argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
