import type { KubeObject } from '../../../src/kube/types.js';
import type { Logger } from '../../../src/util/logger.js';

export interface LogLine {
  level: string;
  msg: string;
  meta: Record<string, unknown>;
}

/** A logger that keeps what it was told, so tests can read it back. */
export function recordingLogger(lines: LogLine[] = [], base: Record<string, unknown> = {}): Logger & { lines: LogLine[] } {
  const log = (level: string) => (msg: string, meta: Record<string, unknown> = {}) =>
    void lines.push({ level, msg, meta: { ...base, ...meta } });
  return {
    lines,
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: (meta) => recordingLogger(lines, { ...base, ...meta }),
  };
}

export function object(apiVersion: string, kind: string, name: string, namespace?: string, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}) },
  };
}
