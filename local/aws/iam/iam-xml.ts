/** IAM's XML shapes for roles, tags and OIDC providers. Policy documents are URL-encoded, as IAM returns them. */
import { escapeXml } from '../../../shared/s3/xml-escape';
import { xmlElement, xmlMembers, xmlText } from '../query-protocol';
import type { OidcProviderRecord, RoleRecord, Tag } from './store-model';
import { oidcProviderId } from './store-oidc';

/** RFC 3986 percent-encoding, as IAM applies to policy documents in its responses. */
export function encodePolicyDocument(document: string): string {
  return encodeURIComponent(document).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function tagsXml(tags: Tag[], element = 'Tags'): string {
  if (tags.length === 0) return '';
  return xmlMembers(
    element,
    tags.map((t) => xmlText('Key', t.Key) + xmlText('Value', t.Value)),
  );
}

export function roleXml(role: RoleRecord): string {
  return xmlElement(
    'Role',
    xmlText('Path', role.path) +
      xmlText('AssumeRolePolicyDocument', encodePolicyDocument(role.assumeRolePolicyDocument)) +
      xmlText('MaxSessionDuration', role.maxSessionDuration) +
      xmlText('RoleId', role.roleId) +
      xmlText('RoleName', role.roleName) +
      xmlText('Description', role.description) +
      xmlText('Arn', role.arn) +
      xmlText('CreateDate', role.createDate) +
      tagsXml(role.tags),
  );
}

export function oidcProviderXml(p: OidcProviderRecord): string {
  return (
    xmlMembers(
      'ThumbprintList',
      p.thumbprints.map((value) => escapeXml(value)),
    ) +
    xmlText('CreateDate', p.createDate) +
    xmlMembers(
      'ClientIDList',
      p.clientIds.map((value) => escapeXml(value)),
    ) +
    xmlText('Url', oidcProviderId(p.url)) +
    tagsXml(p.tags)
  );
}
