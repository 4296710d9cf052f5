#!/usr/bin/env python3
"""Writes N deterministic rows shaped like GeoNames' allCountries.txt.

Shape (measured on the real dump: 13 M rows, 1.6 GB, ~125 bytes a row):
most rows have no alternate names, a fifth a few, a few percent dozens,
in several scripts. Names are made of syllables so that keys repeat the
way real place names do. Usage: gen_geonames.py N > allCountries.txt
"""
import random
import sys

n = int(sys.argv[1])
rnd = random.Random(42)
syl = ["ba", "qu", "kha", "na", "qin", "al", "dir", "zor", "mah", "mur", "sul", "ay", "man",
       "tal", "af", "ar", "ki", "ruk", "ja", "lu", "la", "mu", "qd", "di", "ya", "ho", "dok",
       "ram", "adi", "fal", "lu", "ja", "sa", "mar", "ra", "ti", "krit", "mo", "sul", "er", "bil"]
cyr = "абвгдежзиклмнопрстуфхцчшщ"
arab = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
cjk = "北京上海广州深圳巴格达库尔德"
fc = [("P", "PPL")] * 6 + [("H", "STM"), ("T", "HLL"), ("S", "BLDG"), ("A", "ADM3"), ("L", "AREA"), ("V", "FRST")]
ccs = ["IQ", "SY", "US", "FR", "DE", "CN", "RU", "IN", "BR", "TR", "IR", "NG"]
out = sys.stdout
w = out.write
for i in range(n):
    gid = 1000000 + i * 7
    name = "".join(rnd.choice(syl) for _ in range(rnd.randint(2, 4))).capitalize()
    if rnd.random() < 0.3:
        name += " " + "".join(rnd.choice(syl) for _ in range(rnd.randint(1, 3))).capitalize()
    r = rnd.random()
    k = 0 if r < 0.65 else rnd.randint(1, 3) if r < 0.85 else rnd.randint(4, 10) if r < 0.96 else rnd.randint(10, 40)
    alts = []
    for _ in range(k):
        s = rnd.random()
        if s < 0.5:
            a = name + rnd.choice(["", "h", "a", " al", "e"])
        elif s < 0.7:
            a = "".join(rnd.choice(syl) for _ in range(3)).capitalize()
        elif s < 0.8:
            a = "".join(rnd.choice(arab) for _ in range(rnd.randint(3, 7)))
        elif s < 0.9:
            a = "".join(rnd.choice(cyr) for _ in range(rnd.randint(4, 8))).capitalize()
        else:
            a = "".join(rnd.choice(cjk) for _ in range(rnd.randint(2, 4)))
        alts.append(a)
    lat = rnd.uniform(-60, 70)
    lon = rnd.uniform(-180, 180)
    c, code = rnd.choice(fc)
    cc = rnd.choice(ccs)
    pop = 0 if rnd.random() < 0.9 else rnd.randint(100, 2000000)
    w(f"{gid}\t{name}\t{name}\t{','.join(alts)}\t{lat:.5f}\t{lon:.5f}\t{c}\t{code}\t{cc}\t\t{rnd.randint(1, 20):02d}\t{rnd.randint(1, 300)}\t\t\t{pop}\t\t{rnd.randint(0, 3000)}\tEtc/UTC\t2024-01-01\n")
