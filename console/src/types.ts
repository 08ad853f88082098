/**
 * The API's answers as the console reads them: inferred from the same zod schemas that write the OpenAPI document,
 * so a change of the API's shape is a type error here (type-only imports: nothing of zod is bundled).
 */
import type * as z from 'zod/mini';
import type { accessKeyPage, accessKeyView, createdAccessKey } from '../../shared/openapi/schemas/access-keys';
import type { createdLink, linkPage, linkView } from '../../shared/openapi/schemas/links';
import type { completedUpload, partUrls, presignedUrl, startedUpload } from '../../shared/openapi/schemas/vending';
import type {
  auditEvent,
  auditPage,
  memberPage,
  memberView,
  verificationResult,
  volumePage,
  volumeView,
} from '../../shared/openapi/schemas/volumes';

export type Volume = z.infer<typeof volumeView>;
export type VolumePage = z.infer<typeof volumePage>;
export type Member = z.infer<typeof memberView>;
export type MemberPage = z.infer<typeof memberPage>;
export type AuditEvent = z.infer<typeof auditEvent>;
export type AuditPage = z.infer<typeof auditPage>;
export type Verification = z.infer<typeof verificationResult>;
export type Link = z.infer<typeof linkView>;
export type LinkPage = z.infer<typeof linkPage>;
export type CreatedLink = z.infer<typeof createdLink>;
export type AccessKey = z.infer<typeof accessKeyView>;
export type AccessKeyPage = z.infer<typeof accessKeyPage>;
export type CreatedAccessKey = z.infer<typeof createdAccessKey>;
export type PresignedUrl = z.infer<typeof presignedUrl>;
export type StartedUpload = z.infer<typeof startedUpload>;
export type PartUrls = z.infer<typeof partUrls>;
export type CompletedUpload = z.infer<typeof completedUpload>;

/** `GET /volumes/{id}/objects` (issue 15's listing route). */
export interface ObjectEntry {
  key: string;
  size: number;
  lastModified: string;
  etag: string;
}
export interface ObjectPage {
  objects: ObjectEntry[];
  prefixes: string[];
  nextToken?: string;
}
