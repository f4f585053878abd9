/**
 * Fast path for the overwhelmingly common Russian mobile notations ("8 (912) 345-67-89",
 * "+7 912 345 6789", "89123456789"), which otherwise cost two full libphonenumber parses.
 *
 * It only answers where libphonenumber's "max" metadata is unconditional: RU mobile numbers are
 * `9(?:[0-24-9]\d{4}|3(…))\d{4}`, so every 10-digit 90x–92x and 94x–99x number is valid and
 * its E.164 is "+7" + the digits (+7 9xx is never KZ, whose numbers start with 6 or 7). The 93x
 * ranges have holes and go to the slow path, as does anything with other characters.
 * phone-fast.test.ts checks agreement with libphonenumber.
 */
const RU_MOBILE = /^(?:\+7|8)? ?(?:\((9[0-24-9]\d)\)|(9[0-24-9]\d))[ -]?(\d{3})[ -]?(\d{2})[ -]?(\d{2})$/;

/** E.164 of a clean (cleanText'ed) common-format Russian mobile number, else null. */
export function fastRuMobile(cleaned: string): string | null {
  const m = RU_MOBILE.exec(cleaned);
  if (m === null) return null;
  return `+7${m[1] ?? m[2]}${m[3]}${m[4]}${m[5]}`;
}
