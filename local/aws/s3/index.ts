/**
 * A filesystem-backed S3 for the local AWS endpoint (`npm start`): the REST protocol as real clients use it
 * (aws cli, boto3, rclone, the JS SDK v3, browsers with presigned URLs), with IAM checked through the
 * endpoint's {@link Authorizer}. See `operations.ts` for what is implemented and which action each needs.
 */
export { createS3Service, type S3Service, type S3ServiceOptions } from './service';
