/**
 * Logging through winston: JSON in a cluster (or LOG_FORMAT=json), readable text in a
 * terminal. Controllers log through a child carrying the object's namespace/name so
 * every line says which request it is about.
 */
import winston from 'winston';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface Logger {
  error(msg: string, meta?: Record<string, unknown>): void;
  warn(msg: string, meta?: Record<string, unknown>): void;
  info(msg: string, meta?: Record<string, unknown>): void;
  debug(msg: string, meta?: Record<string, unknown>): void;
  child(meta: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: 'json' | 'text';
  /** Defaults to the console; tests pass a stream to read what was written. */
  stream?: NodeJS.WritableStream;
  silent?: boolean;
}

function defaultFormat(): 'json' | 'text' {
  const env = process.env.LOG_FORMAT;
  if (env === 'json' || env === 'text') return env;
  if (process.env.KUBERNETES_SERVICE_HOST) return 'json';
  return process.stdout.isTTY ? 'text' : 'json';
}

const textFormat = winston.format.printf((info) => {
  const { level, message, timestamp, namespace, name, controller, ...rest } = info as Record<string, unknown>;
  const who = namespace ? `${String(namespace)}/${String(name)}` : name ? String(name) : '';
  const extra = Object.entries(rest)
    .filter(([k]) => typeof k === 'string')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return [timestamp, level, controller ? `[${String(controller)}]` : '', who, message, extra]
    .filter((s) => s !== '' && s !== undefined)
    .join(' ');
});

export function createLogger(opts: LoggerOptions = {}): Logger {
  const format = opts.format ?? defaultFormat();
  const level = opts.level ?? ((process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info');
  const transport = opts.stream
    ? new winston.transports.Stream({ stream: opts.stream })
    : new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] });
  return winston.createLogger({
    level,
    silent: opts.silent ?? false,
    format:
      format === 'json'
        ? winston.format.combine(winston.format.timestamp(), winston.format.json())
        : winston.format.combine(winston.format.timestamp({ format: 'HH:mm:ss.SSS' }), textFormat),
    transports: [transport],
  }) as unknown as Logger;
}

/** A logger that drops everything; for tests that do not look at logs. */
export function silentLogger(): Logger {
  return createLogger({ silent: true });
}
