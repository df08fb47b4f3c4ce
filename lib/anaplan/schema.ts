import { z } from "zod";

// RFC 6749 VSCHAR without the space: what a token may contain that is also safe in an HTTP header and a log line.
export const credential = (maxLength: number) =>
  z
    .string()
    .min(1)
    .max(maxLength)
    .regex(/^[\x21-\x7E]+$/);

export const seconds = (min: number, max: number) => z.number().int().min(min).max(max);

/** Anaplan user and customer ids are 32 hex digits; lower-cased so ids compare reliably. */
export const anaplanId = z
  .string()
  .regex(/^[0-9a-fA-F]{32}$/)
  .transform((id) => id.toLowerCase());

export const email = z
  .string()
  .max(320)
  .regex(/^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+$/u);

// Controls, lone surrogates, bidi overrides and invisible characters let a name impersonate another on screen or
// break a log line. ZWJ/ZWNJ stay allowed: several scripts need them.
const UNSAFE_TEXT = /[\p{Cc}\p{Cs}\u061C\u200B\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/u;

export const displayText = z
  .string()
  .max(256)
  .refine((text) => !UNSAFE_TEXT.test(text), "no control, bidi or invisible characters");
