// Tests local/aws/query-protocol.ts (shared by IAM and STS); kept with the IAM tests.
import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import {
  dispatchQuery,
  IAM_QUERY,
  memberList,
  memberStructs,
  queryErrorResponse,
  readQueryForm,
  STS_QUERY,
  xmlText,
} from '../../../../local/aws/query-protocol';
import { AwsError, type AwsRequest } from '../../../../local/aws/types';

const req = (body: string, rawQuery = '', method = 'POST'): AwsRequest => ({
  requestId: 'rid-1',
  method,
  rawPath: '/',
  rawQuery,
  headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  body: Readable.from([Buffer.from(body)]),
  caller: null,
  region: 'us-east-1',
});

describe('AWS Query protocol', () => {
  it('reads form bodies and query strings, decoding + and percent escapes', async () => {
    const form = await readQueryForm(
      req('Action=AssumeRole&RoleSessionName=a%2Bb&Policy=%7B%22x%22%3A1%7D&Note=two+words', 'Version=2011-06-15'),
    );
    expect(form.get('Action')).toBe('AssumeRole');
    expect(form.get('Version')).toBe('2011-06-15');
    expect(form.get('RoleSessionName')).toBe('a+b');
    expect(form.get('Policy')).toBe('{"x":1}');
    expect(form.get('Note')).toBe('two words');
  });

  it('reads GET requests from the query string alone', async () => {
    const form = await readQueryForm(req('ignored=1', 'Action=GetCallerIdentity', 'GET'));
    expect([...form.keys()]).toEqual(['Action']);
  });

  it('refuses bodies over the limit', async () => {
    await expect(readQueryForm(req('x'.repeat(100)), 10)).rejects.toMatchObject({ code: 'RequestEntityTooLarge' });
  });

  it('parses member lists and member structures in index order', () => {
    const form = new URLSearchParams({
      'ClientIDList.member.2': 'b',
      'ClientIDList.member.1': 'a',
      'ClientIDList.member.10': 'j',
      'Tags.member.1.Key': 'k1',
      'Tags.member.1.Value': 'v1',
      'Tags.member.2.Key': 'k2',
      'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/x',
    });
    expect(memberList(form, 'ClientIDList')).toEqual(['a', 'b', 'j']);
    expect(memberStructs(form, 'Tags', ['Key', 'Value'])).toEqual([
      { Key: 'k1', Value: 'v1' },
      { Key: 'k2', Value: undefined },
    ]);
    expect(memberStructs(form, 'PolicyArns', ['arn'])).toEqual([{ arn: 'arn:aws:iam::aws:policy/x' }]);
    expect(memberList(form, 'Missing')).toEqual([]);
  });

  it('writes text elements with XML special characters escaped', () => {
    expect(xmlText('Description', 'a < b & c')).toBe('<Description>a &lt; b &amp; c</Description>');
    expect(xmlText('Missing', undefined)).toBe('');
    expect(xmlText('When', new Date('2025-01-02T03:04:05.678Z'))).toBe('<When>2025-01-02T03:04:05Z</When>');
  });

  it('renders a result inside <XResponse><XResult> with the request id', async () => {
    const res = await dispatchQuery(STS_QUERY, req(''), new URLSearchParams({ Action: 'GetCallerIdentity' }), {
      GetCallerIdentity: () => xmlText('Account', '111111111111'),
    });
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ 'content-type': 'text/xml', 'x-amzn-requestid': 'rid-1' });
    expect(res.body).toBe(
      '<GetCallerIdentityResponse ' +
        'xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Account>111111111111</Account>' +
        '</GetCallerIdentityResult>' +
        '<ResponseMetadata><RequestId>rid-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
    );
  });

  it('omits the Result element for actions with an empty result', async () => {
    const res = await dispatchQuery(IAM_QUERY, req(''), new URLSearchParams({ Action: 'DeleteRole' }), { DeleteRole: () => undefined });
    expect(res.body).toBe(
      '<DeleteRoleResponse ' +
        'xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>rid-1</RequestId></ResponseMetadata>' +
        '</DeleteRoleResponse>',
    );
  });

  it('renders errors as ErrorResponse with the status, Sender for 4xx', () => {
    const res = queryErrorResponse(IAM_QUERY, new AwsError('NoSuchEntity', 'The role with name <x> cannot be found.', 404), 'rid-2');
    expect(res.status).toBe(404);
    expect(res.body).toBe(
      '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>' +
        '<Message>The role with name &lt;x&gt; cannot be found.</Message></Error><RequestId>rid-2</RequestId></ErrorResponse>',
    );
  });

  it('an unexpected failure is a 500 Receiver error without detail, and the detail goes to the operator’s log', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const res = await dispatchQuery(IAM_QUERY, req(''), new URLSearchParams({ Action: 'Boom' }), {
      Boom: () => {
        throw new Error('secret internal detail');
      },
    });
    expect(res.status).toBe(500);
    expect(String(res.body)).toContain('<Type>Receiver</Type><Code>InternalFailure</Code>');
    expect(String(res.body)).not.toContain('secret internal detail');
    expect(logged).toHaveBeenCalledWith('query service failure', expect.objectContaining({ message: 'secret internal detail' }));
    logged.mockRestore();
  });

  it('unknown and missing actions', async () => {
    const unknown = await dispatchQuery(STS_QUERY, req(''), new URLSearchParams({ Action: 'GetSessionToken' }), {});
    expect(unknown.status).toBe(400);
    expect(String(unknown.body)).toContain(
      '<Code>InvalidAction</Code><Message>Could not find operation GetSessionToken for version 2011-06-15</Message>',
    );
    const missing = await dispatchQuery(STS_QUERY, req(''), new URLSearchParams(), {});
    expect(String(missing.body)).toContain('<Code>MissingAction</Code>');
    const inherited = await dispatchQuery(STS_QUERY, req(''), new URLSearchParams({ Action: 'toString' }), {});
    expect(String(inherited.body)).toContain('<Code>InvalidAction</Code>');
  });
});
