import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { ObjectNotFound, type ObjectStore, type StoredObject } from './object-store.ts';

export interface S3Access {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * A client for any S3-compatible server: path-style addressing (a bucket in the path, not the
 * host name, which servers on one host need), and checksums only where the API requires them
 * (not every server computes the SDK's newer default ones).
 */
export function s3Client(access: S3Access): S3Client {
  return new S3Client({
    endpoint: access.endpoint,
    region: access.region,
    forcePathStyle: true,
    credentials: { accessKeyId: access.accessKeyId, secretAccessKey: access.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
}

/** S3's limits: parts of 5 MiB at least (but the last), 10,000 parts at most. */
const PART_BYTES = 8 * 1024 * 1024;

export function isS3Error(error: unknown, ...names: string[]): boolean {
  return error instanceof S3ServiceException && (names.length === 0 || names.includes(error.name));
}

/**
 * One bucket as an object store. Uploads are multipart, one part (8 MiB) in memory at a time, and
 * complete (the object appears) only after the last part: an interrupted upload leaves no object,
 * only a multipart upload, which `discardUnfinished` aborts.
 */
export class S3ObjectStore implements ObjectStore {
  readonly location: string;
  readonly bucket: string;
  private readonly client: S3Client;

  constructor(client: S3Client, bucket: string) {
    this.client = client;
    this.bucket = bucket;
    this.location = `s3://${bucket}`;
  }

  async upload(key: string, body: Readable): Promise<number> {
    const Bucket = this.bucket;
    let uploadId: string | undefined;
    const parts: Array<{ ETag: string | undefined; PartNumber: number }> = [];
    let size = 0;
    try {
      for await (const part of partsOf(body, PART_BYTES)) {
        size += part.length;
        if (uploadId === undefined) {
          const created = await this.client.send(new CreateMultipartUploadCommand({ Bucket, Key: key }));
          uploadId = created.UploadId;
        }
        const PartNumber = parts.length + 1;
        const sent = await this.client.send(
          new UploadPartCommand({ Bucket, Key: key, UploadId: uploadId, PartNumber, Body: part }),
        );
        parts.push({ ETag: sent.ETag, PartNumber });
      }
      // An empty body is one empty object, which multipart cannot express.
      if (uploadId === undefined) {
        await this.put(key, Buffer.alloc(0));
        return 0;
      }
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
      return size;
    } catch (error) {
      if (uploadId !== undefined)
        await this.client
          .send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId: uploadId }))
          .catch(() => undefined);
      throw error;
    }
  }

  async put(key: string, data: Buffer | string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: Buffer.from(data) }));
  }

  async download(key: string): Promise<Readable> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!(object.Body instanceof Readable)) throw new Error(`${this.location}/${key} has no body`);
      return object.Body;
    } catch (error) {
      if (isS3Error(error, 'NoSuchKey', 'NotFound')) throw new ObjectNotFound(this.location, key);
      throw error;
    }
  }

  async read(key: string): Promise<Buffer | undefined> {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of await this.download(key)) chunks.push(Buffer.from(chunk as Uint8Array));
      return Buffer.concat(chunks);
    } catch (error) {
      if (error instanceof ObjectNotFound) return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const found: StoredObject[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix || undefined, ContinuationToken }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        found.push({ key: object.Key, size: object.Size ?? 0, modified: object.LastModified ?? new Date(0) });
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return found;
  }

  async delete(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const Objects = keys.slice(i, i + 1000).map((Key) => ({ Key }));
      const result = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects, Quiet: true } }),
      );
      const failed = (result.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length > 0)
        throw new Error(`Could not delete ${failed.map((e) => `${e.Key} (${e.Code})`).join(', ')}`);
    }
  }

  async discardUnfinished(prefix: string): Promise<void> {
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    do {
      const page = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix, KeyMarker, UploadIdMarker }),
      );
      for (const upload of page.Uploads ?? []) {
        await this.client.send(
          new AbortMultipartUploadCommand({
            Bucket: this.bucket,
            Key: upload.Key,
            UploadId: upload.UploadId,
          }),
        );
      }
      ({ NextKeyMarker: KeyMarker, NextUploadIdMarker: UploadIdMarker } = page.IsTruncated
        ? page
        : { NextKeyMarker: undefined, NextUploadIdMarker: undefined });
    } while (KeyMarker);
  }
}

/** `body` cut into buffers of exactly `size` bytes (the last one shorter), one in memory at a time. */
export async function* partsOf(
  body: AsyncIterable<Uint8Array | string>,
  size: number,
): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    let data =
      typeof chunk === 'string'
        ? Buffer.from(chunk)
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (length + data.length >= size) {
      const take = size - length;
      pending.push(data.subarray(0, take));
      yield Buffer.concat(pending);
      pending = [];
      length = 0;
      data = data.subarray(take);
    }
    if (data.length > 0) {
      pending.push(Buffer.from(data));
      length += data.length;
    }
  }
  if (length > 0) yield Buffer.concat(pending);
}
