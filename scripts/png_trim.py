#!/usr/bin/env python3
"""Trim a screen grab (make wave-png) to its window and store it as a palette PNG: in.png out.png.

GTKWave's grab is larger than its window (at the screen's top left); the rest is black. The waveform view has
few colours, so a 256-colour palette keeps it exact to the eye and the file small (docs/img/ figures < 300 KB)."""
import sys

from PIL import Image

if len(sys.argv) != 3:
    sys.exit("usage: png_trim.py IN.png OUT.png")
img = Image.open(sys.argv[1]).convert("RGB")
# the window: as wide as its title bar (row 5) and as tall as its left edge (column 5) are not black
width = max(x for x in range(img.width) if sum(img.getpixel((x, 5))) > 24) + 1
height = max(y for y in range(img.height) if sum(img.getpixel((5, y))) > 24) + 1
img = img.crop((0, 0, width, height))
img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(sys.argv[2], optimize=True)
print(f"png_trim.py: {sys.argv[2]}: {img.size[0]}x{img.size[1]}")
