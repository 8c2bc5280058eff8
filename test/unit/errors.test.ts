import { isNamed, toScanError } from '../../lambda/aws/errors';

describe('toScanError', () => {
  it('uses the AWS error code carried in the error name', () => {
    const error = Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
    expect(toScanError(error)).toEqual({ code: 'AccessDeniedException', message: 'User is not authorized' });
  });

  it('uses the Node error code for network errors such as ENOTFOUND', () => {
    const error = Object.assign(new Error('getaddrinfo ENOTFOUND x.amazonaws.com'), { code: 'ENOTFOUND' });
    expect(toScanError(error).code).toBe('ENOTFOUND');
  });

  it('names the HTTP status when the SDK could not parse the answer', () => {
    const error = Object.assign(new SyntaxError('Unexpected token <'), { $response: { statusCode: 500 } });
    expect(toScanError(error).code).toBe('HTTP500');
  });

  it('turns a thrown non-error into a message', () => {
    expect(toScanError('boom')).toEqual({ code: 'Error', message: 'boom' });
  });
});

describe('isNamed', () => {
  it('matches only the exact AWS error code of an error', () => {
    const error = Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' });
    expect(isNamed(error, 'ResourceNotFoundException')).toBe(true);
    expect(isNamed(error, 'ResourceNotFound')).toBe(false);
    expect(isNamed({ name: 'ResourceNotFoundException' }, 'ResourceNotFoundException')).toBe(false);
  });
});
