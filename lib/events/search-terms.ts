/**
 * A search box's text as the terms the log search takes (lib/store/search.ts): words split on
 * whitespace, each matched as a phrase; words without a letter or digit match nothing and are
 * dropped. Bounded: at most MAX_SEARCH_TERMS terms of a query of at most MAX_SEARCH_LENGTH.
 */
export const MAX_SEARCH_LENGTH = 200;
export const MAX_SEARCH_TERMS = 8;

const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

export function searchTerms(text: string): string[] {
  const words = text.slice(0, MAX_SEARCH_LENGTH).split(/\s+/).filter((word) => HAS_LETTER_OR_DIGIT.test(word));
  return [...new Set(words)].slice(0, MAX_SEARCH_TERMS);
}
