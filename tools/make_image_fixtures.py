#!/usr/bin/env python3
"""Regenerates tests/fixtures/images with Pillow (Debian: python3-pil). Tests only read them.

Every picture is 6 wide x 4 high (before EXIF rotation) with a red top-left pixel and a blue
bottom-right pixel, so orientation and channel order can be checked exactly.
"""
import os, sys
from PIL import Image

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "images")
os.makedirs(out, exist_ok=True)

def base(mode="RGB"):
    im = Image.new("RGB", (6, 4), (0, 128, 0))
    im.putpixel((0, 0), (255, 0, 0)); im.putpixel((5, 3), (0, 0, 255))
    return im

base().save(os.path.join(out, "rgb.png"))
base().save(os.path.join(out, "rgb.bmp"))
base().save(os.path.join(out, "rgb.webp"), lossless=True)
base().save(os.path.join(out, "rgb.jpg"), quality=100, subsampling=0)
base().convert("L").save(os.path.join(out, "gray.png"))
rgba = base().convert("RGBA"); rgba.putalpha(128); rgba.save(os.path.join(out, "alpha.png"))
base().convert("CMYK").save(os.path.join(out, "cmyk.jpg"), quality=100, subsampling=0)
Image.new("I;16", (6, 4), 40000).save(os.path.join(out, "gray16.png"))
# animated GIF: first frame as base, second frame all white
frames = [base().convert("P", palette=Image.ADAPTIVE), Image.new("RGB", (6, 4), (255, 255, 255)).convert("P")]
frames[0].save(os.path.join(out, "anim.gif"), save_all=True, append_images=frames[1:], duration=100, loop=0)
# EXIF orientation 6 (rotate 90 CW to display): stored 6x4, shown 4x6
exif = Image.Exif(); exif[0x0112] = 6
base().save(os.path.join(out, "exif6.jpg"), quality=100, subsampling=0, exif=exif.tobytes())
Image.new("RGB", (1, 1), (10, 20, 30)).save(os.path.join(out, "one-pixel.png"))
# a PNG that declares 100000 x 100000 pixels but holds almost nothing (decompression bomb)
import struct, zlib
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
open(os.path.join(out, "bomb.png"), "wb").write(bomb)
png = open(os.path.join(out, "rgb.png"), "rb").read()
open(os.path.join(out, "truncated.png"), "wb").write(png[: len(png) // 2])
open(os.path.join(out, "not-an-image.jpg"), "wb").write(b"this is plain text, not a JPEG\n")
open(os.path.join(out, "empty.png"), "wb").write(b"")
print("wrote", out)
