/**
 * The S3-compatible object store (MinIO locally, AWS S3 or any compatible service externally) via @aws-sdk/client-s3.
 * Create-only-if-absent puts use `If-None-Match: *`; a 412 answer means the key already existed.
 */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { joinParts, type ObjectStore } from './object-store.js';

/** Where and how to reach the bucket. Credentials and region fall back to the AWS SDK's standard chain. */
export interface S3Location {
  bucket: string;
  /** Key prefix inside the bucket ("" for the root). */
  prefix?: string;
  /** e.g. http://127.0.0.1:9000 for MinIO; omit for AWS. */
  endpoint?: string;
  region?: string;
  /** Path-style addressing (required by MinIO). */
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /**
   * The server is MinIO: a prefix is deleted with one request carrying MinIO's `x-minio-force-delete`, which removes
   * everything under it at once. A plain delete moves each object to MinIO's trash, emptied every 5 minutes.
   */
  minioForceDelete?: boolean;
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** Objects in an S3 bucket. */
export class S3ObjectStore implements ObjectStore {
  readonly description: string;
  readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly location: S3Location) {
    const config: S3ClientConfig = {
      region: location.region ?? process.env.AWS_REGION ?? 'us-east-1',
      forcePathStyle: location.forcePathStyle ?? Boolean(location.endpoint),
      maxAttempts: 3,
    };
    if (location.endpoint) config.endpoint = location.endpoint;
    if (location.credentials) config.credentials = location.credentials;
    this.client = new S3Client(config);
    this.prefix = location.prefix ? `${location.prefix.replace(/\/+$/, '')}/` : '';
    this.description = `s3://${location.bucket}/${this.prefix}${location.endpoint ? ` at ${location.endpoint}` : ''}`;
  }

  async putIfAbsent(key: string, body: Uint8Array | readonly Uint8Array[]): Promise<boolean> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.location.bucket, Key: this.key(key), Body: joinParts(body), IfNoneMatch: '*' }));
      return true;
    } catch (error) {
      if (statusOf(error) === 412) return false;
      throw error;
    }
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.location.bucket, Key: this.key(key), Body: body }));
  }

  async get(key: string): Promise<Buffer | undefined> {
    return this.fetch(key);
  }

  async getRange(key: string, offset: number, length: number): Promise<Buffer | undefined> {
    return this.fetch(key, `bytes=${offset}-${offset + length - 1}`);
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: this.key(prefix), ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key.slice(this.prefix.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async listDirectories(prefix: string): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    const full = this.key(prefix);
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: full, Delimiter: '/', ContinuationToken: token }));
      for (const common of page.CommonPrefixes ?? []) if (common.Prefix) names.push(common.Prefix.slice(full.length).replace(/\/$/, ''));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return names.sort();
  }

  async deletePrefix(prefix: string): Promise<void> {
    if (this.location.minioForceDelete && this.key(prefix).endsWith('/')) {
      const command = new DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.key(prefix) });
      command.middlewareStack.add(
        (next) => (args) => {
          (args.request as { headers: Record<string, string> }).headers['x-minio-force-delete'] = 'true';
          return next(args);
        },
        { step: 'build', name: 'minioForceDelete' },
      );
      await this.client.send(command);
      return;
    }
    const keys = await this.list(prefix);
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000).map((key) => ({ Key: this.key(key) }));
      await this.client.send(new DeleteObjectsCommand({ Bucket: this.location.bucket, Delete: { Objects: batch, Quiet: true } }));
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private key(key: string): string {
    return `${this.prefix}${key}`;
  }

  private async fetch(key: string, range?: string): Promise<Buffer | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.key(key), Range: range }));
      return Buffer.from(await response.Body!.transformToByteArray());
    } catch (error) {
      const status = statusOf(error);
      if (status === 404 || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      if (range && status === 416) return Buffer.alloc(0);
      throw error;
    }
  }
}
