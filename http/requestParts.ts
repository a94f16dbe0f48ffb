/**
 * The parts of a request serve reads before the model sees it: the path of
 * its target, a GUID from a path, the body's text, and the dial time a
 * record states. Each says "not one" rather than throwing or guessing, so
 * any request gets an answer (400 with the reason), never a crash.
 */

/** The dial time a record states (GSW_DIALING, else GSW_START_PROCESSING: epoch seconds), for the verdict; undefined when it states none. */
export function statedDialSeconds(body: Record<string, unknown>): number | undefined {
  for (const field of ['GSW_DIALING', 'GSW_START_PROCESSING']) {
    const v = body[field];
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    // 0 and negatives are "not reached" in OCS's records.
    if (Number.isFinite(n) && n > 0) return n;
  }
  return undefined;
}

/** The path of a request target, or null when it is not one (an absolute-form target that is not a URL). */
export function pathOfTarget(target: string): string | null {
  const query = target.indexOf('?');
  if (target.startsWith('/')) return query < 0 ? target : target.slice(0, query);
  // The absolute form (through a proxy) is parsed as a URL; anything else is not a target serve has.
  try {
    return new URL(target, 'http://serve').pathname;
  } catch {
    return null;
  }
}

/**
 * A GUID from a path segment, or null when it does not decode: a malformed
 * escape (`%`, `%zz`) or bytes that are not UTF-8. Never replaced by U+FFFD,
 * or two different GUIDs would read back the same rows.
 */
export function decodedGuid(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Bodies must be UTF-8: invalid bytes are an error, not U+FFFD (two GUIDs would become one). */
export const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
