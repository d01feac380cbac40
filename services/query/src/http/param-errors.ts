import { AppError } from '@orderflow/platform/errors';

/**
 * Bad request parameters answer 400 problem+json with a code that names the parameter:
 * `INVALID_<PARAMETER>` (`INVALID_ORDER_ID`, `INVALID_FROM`, `INVALID_SORT`, ...),
 * `LIMIT_TOO_LARGE` for a `limit` over the cap, `UNKNOWN_PARAMETER` for a parameter the
 * route does not take. The body also carries `parameter` and, when several are wrong,
 * every problem in `errors`.
 */
export const codeOf = (parameter: string): string => `INVALID_${parameter.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;

export type ParameterProblem = Readonly<{ parameter: string; code: string; message: string }>;

export const badParameter = (parameter: string, message: string, code = codeOf(parameter)): AppError =>
  new AppError('validation', code, message, { parameter, errors: [{ parameter, code, message }] });

type AjvError = Readonly<{
  keyword: string;
  instancePath: string;
  message?: string;
  params: Readonly<Record<string, unknown>>;
}>;

const ID_HINT = 'must be a non-blank id of at most 128 characters without control characters';
const INSTANT_HINT = 'must be an ISO 8601 date (2024-01-31) or instant with a zone (2024-01-31T12:00:00Z)';

/** What a well-formed value looks like, for the checks whose validator message would say little. */
const defaultHints: Readonly<Record<string, string>> = {
  orderId: ID_HINT,
  customerId: ID_HINT,
  productId: ID_HINT,
  from: INSTANT_HINT,
  to: INSTANT_HINT,
  currency: 'must be an ISO 4217 code such as EUR',
  q: 'must be 1 to 200 characters of search text',
};

const hinted = new Set(['format', 'anyOf', 'pattern', 'minLength', 'maxLength', 'type']);

type Hints = Readonly<Record<string, string>>;

function describe(e: AjvError, hints: Hints): ParameterProblem | null {
  if (e.keyword === 'additionalProperties') {
    const parameter = String(e.params['additionalProperty']);
    return { parameter, code: 'UNKNOWN_PARAMETER', message: `${parameter} is not a parameter of this route` };
  }
  const parameter = e.keyword === 'required' ? String(e.params['missingProperty']) : e.instancePath.replace(/^\//, '').split('/')[0];
  if (!parameter) return null;
  if (parameter === 'limit' && e.keyword === 'maximum') {
    return { parameter, code: 'LIMIT_TOO_LARGE', message: `limit must be at most ${String(e.params['limit'])}` };
  }
  if (e.keyword === 'enum') {
    const allowed = (e.params['allowedValues'] as unknown[] | undefined)?.join(', ') ?? '';
    return { parameter, code: codeOf(parameter), message: `${parameter} must be one of ${allowed}` };
  }
  const hint = hinted.has(e.keyword) ? hints[parameter] : undefined;
  const message = e.keyword === 'required' ? 'is required' : (hint ?? e.message ?? 'is invalid');
  return { parameter, code: codeOf(parameter), message: `${parameter} ${message}` };
}

/**
 * Fastify route option (`schemaErrorFormatter`): turns the schema validator's findings
 * into one AppError, so the platform's error handler answers with our stable codes
 * instead of a generic one. `routeHints` override the default hints for a route.
 */
export const parameterErrors =
  (routeHints: Hints = {}) =>
  (errors: readonly AjvError[], dataVar: string): Error =>
    toAppError(errors, dataVar, { ...defaultHints, ...routeHints });

function toAppError(errors: readonly AjvError[], dataVar: string, hints: Hints): AppError {
  const seen = new Set<string>();
  const problems: ParameterProblem[] = [];
  for (const e of errors) {
    const p = describe(e, hints);
    // one entry per parameter: `anyOf` alternatives each report the same bad value
    if (!p || seen.has(p.parameter)) continue;
    seen.add(p.parameter);
    problems.push(p);
  }
  const first = problems[0];
  if (!first) return new AppError('validation', 'INVALID_REQUEST', `invalid ${dataVar}`);
  const message = problems.map((p) => p.message).join('; ');
  return new AppError('validation', first.code, message, { parameter: first.parameter, errors: problems });
}
