import type { ScanError } from '../core/model';

/** The AWS error code and message of anything thrown by an SDK call (or by Node, e.g. ENOTFOUND). */
export function toScanError(error: unknown): ScanError {
  const status = (error as { $response?: { statusCode?: number } } | undefined)?.$response?.statusCode;
  if (error instanceof Error && error.name === 'SyntaxError' && status !== undefined) {
    // The SDK could not parse the answer (an HTML error page, typically): say what came back.
    return { code: `HTTP${status}`, message: `HTTP ${status} with a body the SDK could not parse: ${error.message.split('\n')[0]}` };
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const name = error.name && error.name !== 'Error' ? error.name : typeof code === 'string' ? code : 'Error';
    return { code: name, message: error.message || name };
  }
  return { code: 'Error', message: String(error) };
}

/** True for the error codes AWS uses for "access denied" across query, JSON and EC2 APIs. */
export function isAccessDenied(code: string): boolean {
  return /AccessDenied|UnauthorizedOperation|Unauthorized|Forbidden|AuthFailure/i.test(code);
}

/**
 * True when an SDK call failed with exactly this AWS error code. Scanners use it for the one
 * error they may skip: a resource that vanished between its listing and its describe.
 */
export function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}
