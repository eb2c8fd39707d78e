#!/usr/bin/env python3
"""png_ink.py PNG [RGB-HEX...]: how much a screenshot shows (python3
only, no packages): prints 'nonwhite N', then for each colour given
'#RRGGBB N' (pixels within 48 of it on every channel).  Reads 8-bit RGB
and RGBA PNGs, non-interlaced, as Chromium writes them."""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit('png_ink: %s: not a PNG' % path)
    pos, idat, w = 8, b'', 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype, _, _, lace = struct.unpack('>IIBBBBB', body)
            if depth != 8 or ctype not in (2, 6) or lace:
                sys.exit('png_ink: unsupported PNG (depth %d, type %d)'
                         % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    out = []
    i = 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        out.append(line)
        prev = line
    return w, h, bpp, out


def main():
    w, h, bpp, rows = pixels(sys.argv[1])
    want = [tuple(int(c[k:k + 2], 16) for k in (1, 3, 5))
            for c in sys.argv[2:]]
    counts = [0] * len(want)
    nonwhite = 0
    for line in rows:
        for x in range(0, w * bpp, bpp):
            r, g, b = line[x], line[x + 1], line[x + 2]
            if r < 240 or g < 240 or b < 240:
                nonwhite += 1
                for k, (R, G, B) in enumerate(want):
                    if abs(r - R) < 48 and abs(g - G) < 48 and \
                            abs(b - B) < 48:
                        counts[k] += 1
    print('nonwhite %d' % nonwhite)
    for c, n in zip(sys.argv[2:], counts):
        print('%s %d' % (c, n))


main()
