/**
 * How each AWS protocol words an authentication failure. The endpoint authenticates once for all
 * services, so it needs each service's own error code and message for the same situation, as the
 * real services answer, so that SDKs and the CLI recognise them (e.g. to refresh expired tokens).
 */
export type Protocol = 's3' | 'query' | 'json';
export type AuthFailure = 'UnknownAccessKey' | 'BadSessionToken' | 'Expired' | 'SignatureMismatch' | 'Missing' | 'Malformed' | 'Skewed';

interface Wording {
  code: string;
  message: string;
  status: number;
}

const WORDING: Record<Protocol, Record<AuthFailure, Wording>> = {
  s3: {
    UnknownAccessKey: {
      code: 'InvalidAccessKeyId',
      status: 403,
      message: 'The AWS Access Key Id you provided does not exist in our records.',
    },
    BadSessionToken: { code: 'InvalidToken', status: 400, message: 'The provided token is malformed or otherwise invalid.' },
    Expired: { code: 'ExpiredToken', status: 400, message: 'The provided token has expired.' },
    SignatureMismatch: {
      code: 'SignatureDoesNotMatch',
      status: 403,
      message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    },
    Missing: { code: 'AccessDenied', status: 403, message: 'Access Denied' },
    Malformed: { code: 'AuthorizationHeaderMalformed', status: 400, message: 'The authorization header is malformed.' },
    Skewed: {
      code: 'RequestTimeTooSkewed',
      status: 403,
      message: 'The difference between the request time and the current time is too large.',
    },
  },
  query: {
    UnknownAccessKey: { code: 'InvalidClientTokenId', status: 403, message: 'The security token included in the request is invalid.' },
    BadSessionToken: { code: 'InvalidClientTokenId', status: 403, message: 'The security token included in the request is invalid.' },
    Expired: { code: 'ExpiredToken', status: 400, message: 'The security token included in the request is expired' },
    SignatureMismatch: {
      code: 'SignatureDoesNotMatch',
      status: 403,
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing ' +
        'method. Consult the service documentation for details.',
    },
    Missing: { code: 'MissingAuthenticationToken', status: 403, message: 'Request is missing Authentication Token' },
    Malformed: { code: 'IncompleteSignature', status: 400, message: 'The request signature does not conform to AWS standards.' },
    Skewed: { code: 'SignatureDoesNotMatch', status: 403, message: 'Signature expired: the request time is too far from the server time.' },
  },
  json: {
    UnknownAccessKey: {
      code: 'UnrecognizedClientException',
      status: 400,
      message: 'The security token included in the request is invalid.',
    },
    BadSessionToken: {
      code: 'UnrecognizedClientException',
      status: 400,
      message: 'The security token included in the request is invalid.',
    },
    Expired: { code: 'ExpiredTokenException', status: 400, message: 'The security token included in the request is expired' },
    SignatureMismatch: {
      code: 'InvalidSignatureException',
      status: 400,
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing ' +
        'method. Consult the service documentation for details.',
    },
    Missing: { code: 'MissingAuthenticationTokenException', status: 400, message: 'Request is missing Authentication Token' },
    Malformed: { code: 'IncompleteSignatureException', status: 400, message: 'The request signature does not conform to AWS standards.' },
    Skewed: {
      code: 'InvalidSignatureException',
      status: 400,
      message: 'Signature expired: the request time is too far from the server time.',
    },
  },
};

export function protocolOf(service: string): Protocol {
  if (service === 's3' || service === 's3-object-lambda') return 's3';
  if (service === 'sts' || service === 'iam') return 'query';
  return 'json';
}

export function authFailure(protocol: Protocol, failure: AuthFailure): Wording {
  return WORDING[protocol][failure];
}
