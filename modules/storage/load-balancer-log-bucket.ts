import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import { assertBucketName } from "./private-bucket";

/**
 * The Elastic Load Balancing account that delivers access logs in the regions opened before
 * August 2022; newer regions use the service principal `logdelivery.elasticloadbalancing.amazonaws.com`.
 * Source: Elastic Load Balancing User Guide, "Enable access logs for your Application Load Balancer",
 * step "Attach a policy to your S3 bucket" (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html).
 */
const ELB_LOG_DELIVERY_ACCOUNTS: { readonly [region: string]: string } = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-southeast-3": "589379963580",
  "ap-south-1": "718504428378",
  "ap-northeast-3": "383597477331",
  "ap-northeast-2": "600734575887",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-northeast-1": "582318560864",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-south-1": "635631232127",
  "eu-west-3": "009996457667",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
};
const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

export interface LoadBalancerLogBucketProps {
  /** Bucket name. */
  readonly name: string;
  /** Region of the load balancers that write (the bucket must be in the same region). */
  readonly region: string;
  /** Account of the load balancers; the bucket admits only their logs. */
  readonly accountId: string;
  readonly partition: string;
  /** Key prefix the load balancers write under (`<prefix>/AWSLogs/<account>/...`). */
  readonly prefix: string;
  /** Days objects are kept. */
  readonly retentionDays: number;
}

/**
 * The bucket Application Load Balancers write their access logs to: encrypted at rest with SSE-S3
 * (AES-256, the only server-side encryption ALB log delivery supports: not SSE-KMS), public access
 * blocked, objects owned by the bucket owner, versioned, TLS-only, objects expired after `retentionDays`, and a
 * bucket policy that admits only Elastic Load Balancing's log delivery, writing under
 * `<prefix>/AWSLogs/<account>/` of this account.
 */
export class LoadBalancerLogBucket extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly prefix: string;
  /** The policy attachment: load balancers verify write access when logging is switched on, so they must wait for it. */
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: LoadBalancerLogBucketProps) {
    super(scope, id);
    assertBucketName(props.name, "Load balancer log bucket");
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1) {
      throw new Error(`Load balancer log bucket ${props.name}: retentionDays must be a positive integer (got ${props.retentionDays})`);
    }
    if (!/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(props.prefix) || props.prefix.includes("AWSLogs")) {
      throw new Error(
        `Load balancer log bucket ${props.name}: prefix "${props.prefix}" must be S3 key segments without AWSLogs and without leading or trailing "/"`,
      );
    }
    const bucket = new S3Bucket(this, "bucket", { bucket: props.name, forceDestroy: false });
    new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    // Versioned (no log object is overwritten or deleted unseen); old versions go with the logs.
    const versioning = new S3BucketVersioningA(this, "versioning", { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: bucket.id,
      dependsOn: [versioning],
      rule: [
        {
          id: "expire-access-logs",
          status: "Enabled",
          filter: [{ prefix: `${props.prefix}/` }],
          expiration: [{ days: props.retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
        },
        {
          id: "abort-incomplete-uploads",
          status: "Enabled",
          filter: [{ prefix: "" }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
    const legacyAccount = ELB_LOG_DELIVERY_ACCOUNTS[props.region];
    const writer =
      legacyAccount === undefined
        ? { type: "Service", identifiers: [ELB_LOG_DELIVERY_SERVICE] }
        : { type: "AWS", identifiers: [`arn:${props.partition}:iam::${legacyAccount}:root`] };
    const objects = `${bucket.arn}/${props.prefix}/AWSLogs/${props.accountId}/*`;
    const document = new DataAwsIamPolicyDocument(this, "policy-document", {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [bucket.arn, `${bucket.arn}/*`],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
        {
          sid: "ElbLogDelivery",
          effect: "Allow",
          principals: [writer],
          actions: ["s3:PutObject"],
          resources: [objects],
          ...(legacyAccount === undefined
            ? { condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] }] }
            : {}),
        },
      ],
    });
    this.policy = new S3BucketPolicy(this, "policy", { bucket: bucket.id, policy: document.json });
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.prefix = props.prefix;
  }
}
