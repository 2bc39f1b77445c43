-- Text helpers of the set-based goal review, as temporary macros (warehouse/review).
-- They mirror etl/review/text.py: rv_key = NFKC (full-width ASCII folded) without whitespace,
-- rv_bare = rv_key without punctuation, rv_quote = 「…」 shortened, rv_num / rv_yuan = the
-- number and money display of messages.

CREATE OR REPLACE TEMP MACRO rv_fold(x) AS
    translate(coalesce(CAST(x AS VARCHAR), ''),
              '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～',
              '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~');

CREATE OR REPLACE TEMP MACRO rv_key(x) AS
    regexp_replace(rv_fold(x), '[\s\x{3000}\x{00A0}\x{2000}-\x{200B}\x{FEFF}]+', '', 'g');

CREATE OR REPLACE TEMP MACRO rv_bare(x) AS
    regexp_replace(rv_key(x), '[^\p{L}\p{N}]+', '', 'g');

CREATE OR REPLACE TEMP MACRO rv_words_only(x) AS
    regexp_replace(
        replace(replace(
            regexp_replace(regexp_replace(rv_key(x), '[≥≤<>=＞＜≦≧]+', '', 'g'),
                           '\d+(?:\.\d+)?', '', 'g'),
            '百分比', ''), '%', ''),
        '[^\p{L}\p{N}]+', '', 'g');

CREATE OR REPLACE TEMP MACRO rv_has_digit(x) AS regexp_matches(rv_key(x), '\d');

CREATE OR REPLACE TEMP MACRO rv_squash(t) AS
    trim(regexp_replace(coalesce(CAST(t AS VARCHAR), ''), '[\s\x{3000}\x{00A0}]+', ' ', 'g'));

CREATE OR REPLACE TEMP MACRO rv_quote(t, n) AS
    '「' || CASE WHEN length(rv_squash(t)) > n THEN left(rv_squash(t), n - 1) || '…'
                 ELSE rv_squash(t) END || '」';

CREATE OR REPLACE TEMP MACRO rv_num(v) AS
    CASE WHEN v IS NULL THEN '空'
         ELSE rtrim(rtrim(printf('%.4f', CAST(v AS DOUBLE)), '0'), '.') END;

CREATE OR REPLACE TEMP MACRO rv_yuan(v) AS
    CASE WHEN v IS NULL THEN '空'
         WHEN abs(v) >= 10000 THEN rv_num(round(v / 10000, 4)) || '万元'
         ELSE rv_num(round(v, 2)) || '元' END;

-- significant digits of an amount (3939700 -> 39397) and "one digit left out or doubled"
CREATE OR REPLACE TEMP MACRO rv_digits(v) AS
    coalesce(nullif(rtrim(ltrim(replace(printf('%.2f', round(v, 2)), '.', ''), '0'), '0'), ''),
             '0');
CREATE OR REPLACE TEMP MACRO rv_one_digit_apart_s(l, s) AS
    length(l) = length(s) + 1
    AND list_bool_or(list_transform(range(1, length(l) + 1),
                                    lambda i: left(l, i - 1) || substr(l, i + 1) = s));
CREATE OR REPLACE TEMP MACRO rv_one_digit_apart(a, b) AS
    CASE WHEN length(rv_digits(a)) >= length(rv_digits(b))
         THEN rv_one_digit_apart_s(rv_digits(a), rv_digits(b))
         ELSE rv_one_digit_apart_s(rv_digits(b), rv_digits(a)) END;
CREATE OR REPLACE TEMP MACRO rv_power_of_ten(ratio, tol) AS
    CASE WHEN abs(ratio / 10 - 1) <= tol THEN 10
         WHEN abs(ratio / 100 - 1) <= tol THEN 100
         WHEN abs(ratio / 1000 - 1) <= tol THEN 1000
         WHEN abs(ratio / 10000 - 1) <= tol THEN 10000 END;
-- the note a money finding adds when two amounts differ by a pattern
CREATE OR REPLACE TEMP MACRO rv_slip_note(a, b, tol) AS
    CASE WHEN a <= 0 OR b <= 0 THEN ''
         WHEN rv_power_of_ten(greatest(a, b) / least(a, b), tol) = 10000
              THEN '；两数相差约一万倍，疑似万元与元混用'
         WHEN rv_one_digit_apart(a, b) THEN '；两数只差一位数字，疑似录入时多写或漏写了一位'
         WHEN rv_power_of_ten(greatest(a, b) / least(a, b), tol) IS NOT NULL
              THEN '；两数相差约' || rv_power_of_ten(greatest(a, b) / least(a, b), tol)
                   || '倍，疑似小数点或单位写错'
         ELSE '' END;
