import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type Log = (obj: unknown, msg?: string, ...args: unknown[]) => void;

/** Answers "would a child at this level write a line at that one", from pino's own rules. */
type LevelProbe = Pick<Logger, 'isLevelEnabled'>;

/**
 * A request's child logger (the parent's bindings plus the request id), made the first
 * time the request writes a line at a level that is on. Most requests of a busy service
 * write none, and making a pino child costs about a microsecond: a noticeable share of a
 * cached read. Lines, bindings and levels are exactly those of the child it stands for.
 */
class RequestLogger implements FastifyBaseLogger {
  #made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
    private readonly probe: LevelProbe,
  ) {}

  private logger(): FastifyBaseLogger {
    this.#made ??= this.parent.child(this.bindings, this.options);
    return this.#made;
  }

  private write(level: Level, args: Parameters<Log>): void {
    if (this.#made === undefined && !this.probe.isLevelEnabled(level)) return;
    (this.logger()[level] as Log)(...args);
  }

  get level(): string {
    return this.#made?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger().level = level;
  }

  fatal(...args: Parameters<Log>): void {
    this.write('fatal', args);
  }

  error(...args: Parameters<Log>): void {
    this.write('error', args);
  }

  warn(...args: Parameters<Log>): void {
    this.write('warn', args);
  }

  info(...args: Parameters<Log>): void {
    this.write('info', args);
  }

  debug(...args: Parameters<Log>): void {
    this.write('debug', args);
  }

  trace(...args: Parameters<Log>): void {
    this.write('trace', args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger().child(bindings, options);
  }
}

/** The lines a lazily made child writes: what code outside Fastify logs through. */
export type LineLogger = Pick<FastifyBaseLogger, 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'>;

/**
 * A child of `parent` with `bindings`, made the first time it writes a line at a level
 * that is on: for work that usually goes through without a line (a saga command that is
 * accepted), so that it does not pay for serialising bindings it never writes.
 */
export const lazyChild = (parent: Logger, bindings: Bindings): LineLogger => new RequestLogger(parent, bindings, {}, parent);

const isPino = (logger: FastifyBaseLogger): logger is FastifyBaseLogger & Logger => typeof (logger as Partial<Logger>).isLevelEnabled === 'function';

/**
 * Fastify's `childLoggerFactory` with request loggers made on first use. A route's or
 * plugin's `logLevel` is honoured through a probe child per level, made once.
 */
export function lazyRequestLoggers() {
  const probes = new WeakMap<Logger, Map<string, LevelProbe>>();
  const probeOf = (parent: Logger, level: string | undefined): LevelProbe => {
    if (level === undefined) return parent;
    let byLevel = probes.get(parent);
    if (byLevel === undefined) {
      byLevel = new Map();
      probes.set(parent, byLevel);
    }
    let probe = byLevel.get(level);
    if (probe === undefined) {
      probe = parent.child({}, { level });
      byLevel.set(level, probe);
    }
    return probe;
  };
  return (parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger =>
    isPino(parent) ? new RequestLogger(parent, bindings, options, probeOf(parent, options.level)) : parent.child(bindings, options);
}
