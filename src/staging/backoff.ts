/**
 * Quarantine backoff: the n-th consecutive failure of a record waits
 * min(BASE · 2^(n-1), CAP) before the next attempt (1 min, 2, 4, … up to a day). Both dialects
 * compute it in SQL from these constants so the value is decided in the same statement that
 * increments `attempts` (two hosts cannot both see the old count).
 */
export const QUARANTINE_BACKOFF_BASE_SECONDS = 60;
export const QUARANTINE_BACKOFF_CAP_SECONDS = 24 * 60 * 60;
/** Exponent cap so that 2^n never overflows an int on either server. */
export const QUARANTINE_BACKOFF_MAX_EXPONENT = 20;
