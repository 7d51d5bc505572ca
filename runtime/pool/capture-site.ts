/**
 * The acquiring stack of a checkout, for leak reports. V8 walks the frames at capture time and
 * formats them into text only when `.stack` is first read, which happens only when a leak is
 * reported; so a checkout pays for the walk alone, bounded here to `SITE_FRAMES` frames whatever
 * the process's `Error.stackTraceLimit` (test runners and `--stack-trace-limit` raise it).
 */

/** Frames kept: enough to reach the handler through a few helpers, few enough to stay cheap. */
export const SITE_FRAMES = 12

export interface Site {
  stack?: string
}

/** Capture the caller's stack, cut at `entry` (the pool method called), at most SITE_FRAMES frames. */
export function captureSite(entry: Function): Site {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = SITE_FRAMES
  const site: Site = {}
  try {
    Error.captureStackTrace(site, entry)
  } finally {
    Error.stackTraceLimit = limit
  }
  return site
}

/** The captured frames as text (the header line dropped); formats the stack on first call. */
export function formatSite(site: Site): string {
  return (site.stack ?? '').split('\n').slice(1).join('\n')
}
