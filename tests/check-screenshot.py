#!/usr/bin/env python3
"""Tell a blank screenshot from a page: check-screenshot.py FILE.png.

Decodes the PNG with the standard library (8-bit RGB or RGBA, any filter)
and asserts that at least 2 % of its pixels are not background (the colour
of the top-left pixel) and that it holds at least 3 colours besides the
background: text, the verdict's frame, the charts' lines.  Prints what it
measured; exit 0 when it looks like a page, 1 otherwise."""
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                raise ValueError("PNG of depth %d, colour type %d" % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        ftype, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 255
            elif ftype == 2:
                line[x] = (line[x] + b) & 255
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ftype == 4:
                line[x] = (line[x] + paeth(a, b, c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main():
    width, height, bpp, rows = decode(sys.argv[1])
    bg = rows[0][:3]
    ink, colours = 0, {}
    for row in rows:
        for x in range(0, len(row), bpp):
            px = row[x:x + 3]
            if px != bg:
                ink += 1
                # Coarse colours: anti-aliasing makes many near-equal ones.
                key = (px[0] >> 5, px[1] >> 5, px[2] >> 5)
                colours[key] = colours.get(key, 0) + 1
    share = 100.0 * ink / (width * height)
    main_colours = [k for k, n in colours.items() if n >= 50]
    print("screenshot %dx%d: %.1f %% ink, %d colours" %
          (width, height, share, len(main_colours)))
    if share < 2.0 or len(main_colours) < 3:
        print("FAIL: the page looks blank")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
