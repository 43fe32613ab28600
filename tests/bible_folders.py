"""bible_folders.py SHARED_ALIGN_DIR SET OUT — the document-alignment setup of the docalign and
corpus tests: every chapter of SET (clean/test …) copied as one Arabic and one English file under
random names into OUT/ar and OUT/en, 20 % of the chapters (fixed seed) on one side only (half
Arabic-only, half English-only). Writes OUT/truth (arabic-file<TAB>english-file<TAB>chapter) for
the true pairs and OUT/truth.list (chapter<TAB>ar<TAB>en<TAB>gold, absolute paths) for aligning
the known pairs directly."""
import os
import random
import shutil
import sys

S, SET, T = sys.argv[1], sys.argv[2], sys.argv[3]
ids = [l.split('\t')[0] for l in open(os.path.join(S, SET + '.list')) if l.strip()]
rnd = random.Random(20240915)
order = ids[:]
rnd.shuffle(order)
nd = len(ids) // 5
role = {c: 0 for c in ids}
for k, c in enumerate(order[:nd]):
    role[c] = 1 if k % 2 == 0 else 2  # 1: Arabic only, 2: English only
names = rnd.sample(range(100000, 999999), 2 * len(ids))
os.makedirs(os.path.join(T, 'ar'), exist_ok=True)
os.makedirs(os.path.join(T, 'en'), exist_ok=True)
truth = open(os.path.join(T, 'truth'), 'w')
tl = open(os.path.join(T, 'truth.list'), 'w')
for i, c in enumerate(ids):
    a = 'ar/doc%d.txt' % names[2 * i]
    e = 'en/file%d.txt' % names[2 * i + 1]
    src = os.path.join(S, SET, c)
    if role[c] != 2:
        shutil.copy(src + '.ar', os.path.join(T, a))
    if role[c] != 1:
        shutil.copy(src + '.en', os.path.join(T, e))
    if role[c] == 0:
        truth.write('%s\t%s\t%s\n' % (a, e, c))
        tl.write('%s\t%s\t%s\t%s\n' % (c, os.path.join(T, a), os.path.join(T, e),
                                       os.path.abspath(src + '.gold')))
