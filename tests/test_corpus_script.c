/*
 * test_corpus_script.c — jisr_corpus_script: the side of a document holding both scripts, as
 * docalign, corpus and align's "are the files swapped?" warning judge it. Arabic prose naming
 * many English terms is Arabic (before: a quarter of its letters Latin made it "bilingual" and
 * skipped; three quarters made it English), English quoting Arabic is Latin, and a bilingual file
 * (a TSV, another tool's TMX read as one paragraph, a PO catalogue, alternating paragraphs) is
 * bilingual.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "corpus/corpus.h"

static jisr_script script(const char *s)
{
    return jisr_corpus_script(s, strlen(s));
}

/* the tester's documents: IT instructions naming English UI terms (36 % and 77 % of their
 * letters Latin) */
static const char guide_ar[] =
    "لتغيير إعدادات الشبكة في جهازك، افتح تطبيق Settings من قائمة البدء ثم اختر Network and "
    "Internet.\n"
    "إذا لم يظهر الخيار المطلوب، فانقر على Advanced network settings في أسفل الصفحة.\n"
    "عند استمرار المشكلة، اكتب الأمر ipconfig /flushdns في نافذة Command Prompt ثم اضغط مفتاح "
    "الإدخال.\n"
    "يمكنك أيضا إعادة تشغيل Windows Explorer من خلال Task Manager دون الحاجة إلى إعادة تشغيل "
    "الجهاز بالكامل.\n"
    "قبل تثبيت البرنامج، تأكد من تثبيت حزمة Microsoft Visual C++ Redistributable على جهازك.\n";
static const char tech_ar[] = "افتح Settings ثم اختر Network and Internet.\n"
                              "انقر على Advanced network settings.\n"
                              "اكتب الأمر ipconfig /flushdns في Command Prompt.\n"
                              "أعد تشغيل Windows Explorer من Task Manager.\n"
                              "ثبّت Microsoft Visual C++ Redistributable.\n";
static const char tech_en[] = "Open Settings and then choose Network and Internet.\n"
                              "Click Advanced network settings.\n"
                              "Type the command ipconfig /flushdns in Command Prompt.\n"
                              "Restart Windows Explorer from Task Manager.\n"
                              "Install Microsoft Visual C++ Redistributable.\n";

static void test_arabic_with_terms(void **state)
{
    (void)state;
    assert_int_equal(script(guide_ar), JISR_SCRIPT_ARABIC);
    assert_int_equal(script(tech_ar), JISR_SCRIPT_ARABIC);
    assert_int_equal(script(tech_en), JISR_SCRIPT_LATIN);
    /* as paragraphs with NUL bytes between them (how docalign hands a document over) */
    char buf[sizeof tech_ar];
    memcpy(buf, tech_ar, sizeof tech_ar);
    for (char *p = buf; *p; p++)
        if (*p == '\n')
            *p = '\0';
    assert_int_equal(jisr_corpus_script(buf, sizeof buf - 1), JISR_SCRIPT_ARABIC);
    /* a message catalogue's Arabic strings, a menu path of 6 words in a line */
    assert_int_equal(script("افتح لوحة التحكم ثم Control Panel > Network and Sharing Center.\n"
                            "اختر Change adapter settings من القائمة.\n"),
                     JISR_SCRIPT_ARABIC);
}

static void test_latin_with_arabic(void **state)
{
    (void)state;
    assert_int_equal(script("He said, \"A certain man had two sons (in Arabic: الابن الضال).\n"
                            "The younger of them said to his father, give me my share.\n"
                            "So he divided his livelihood between them.\n"),
                     JISR_SCRIPT_LATIN);
    /* a glossary-like text: Arabic words in half of its lines, 15 % of its letters */
    assert_int_equal(script("The word كتاب means book; مكتبة is a library.\n"
                            "Words of one root share its consonants, as these two do.\n"
                            "The root of both is كتب, to write.\n"
                            "Most Arabic words are built on a root of three consonants.\n"),
                     JISR_SCRIPT_LATIN);
    assert_int_equal(script("2024 - 17,186 ... 12.5 %"), JISR_SCRIPT_NONE);
    assert_int_equal(script(""), JISR_SCRIPT_NONE);
    assert_int_equal(jisr_corpus_script(NULL, 0), JISR_SCRIPT_NONE);
}

static void test_bilingual(void **state)
{
    (void)state;
    const char *ar[] = {"وَقَالَ: إِنْسَانٌ كَانَ لَهُ ابْنَانِ.",
                        "فَقَالَ أَصْغَرُهُمَا لأَبِيهِ: يَا أَبِي أَعْطِنِي الْقِسْمَ الَّذِي "
                        "يُصِيبُنِي مِنَ الْمَالِ.",
                        "فَقَسَمَ لَهُمَا مَعِيشَتَهُ."};
    const char *en[] = {"He said, A certain man had two sons, and they lived in the country.",
                        "The younger of them said to his father, Father, give me my share of "
                        "your property.",
                        "So he divided his livelihood between them, as the younger son had "
                        "asked him."};
    char tsv[2048] = "", alt[2048] = "", tmx[2048] = "", po[2048] = "";
    for (int i = 0; i < 3; i++) {
        snprintf(tsv + strlen(tsv), sizeof tsv - strlen(tsv), "%s\t%s\n", ar[i], en[i]);
        snprintf(alt + strlen(alt), sizeof alt - strlen(alt), "%s\n\n%s\n\n", ar[i], en[i]);
        /* another tool's TMX read as a page: one paragraph, spaces for its line breaks */
        snprintf(tmx + strlen(tmx), sizeof tmx - strlen(tmx), "doc 0.99 %d %d %s %s ", i, i, ar[i],
                 en[i]);
        snprintf(po + strlen(po), sizeof po - strlen(po), "msgid \"%s\"\nmsgstr \"%s\"\n\n", en[i],
                 ar[i]);
    }
    assert_int_equal(script(tsv), JISR_SCRIPT_BILINGUAL);
    assert_int_equal(script(alt), JISR_SCRIPT_BILINGUAL);
    assert_int_equal(script(tmx), JISR_SCRIPT_BILINGUAL);
    assert_int_equal(script(po), JISR_SCRIPT_BILINGUAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arabic_with_terms),
        cmocka_unit_test(test_latin_with_arabic),
        cmocka_unit_test(test_bilingual),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
