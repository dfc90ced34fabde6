import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository as AwsEcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { Construct } from "constructs";

export interface EcrRepositoryProps {
  /** Full repository name, e.g. `dev/frontend`. */
  readonly name: string;
  /** KMS key that encrypts the images. */
  readonly kmsKeyArn: string;
  /**
   * How many most recent tagged images the lifecycle policy keeps.
   * @default 30
   */
  readonly keepTaggedImages?: number;
  /**
   * Days after push that untagged images expire.
   * @default 7
   */
  readonly untaggedExpiryDays?: number;
}

/** One rule of an ECR lifecycle policy, as the ECR API reads it. */
interface LifecycleRule {
  readonly rulePriority: number;
  readonly description: string;
  readonly selection:
    | { readonly tagStatus: "untagged"; readonly countType: "sinceImagePushed"; readonly countUnit: "days"; readonly countNumber: number }
    | {
        readonly tagStatus: "tagged";
        readonly tagPatternList: readonly string[];
        readonly countType: "imageCountMoreThan";
        readonly countNumber: number;
      };
  readonly action: { readonly type: "expire" };
}

/**
 * An application image repository: immutable tags (a tag names one image forever), scan on
 * push, KMS encryption, and a lifecycle policy that expires untagged images and keeps the
 * newest N tagged ones.
 */
export class EcrRepository extends Construct {
  readonly repositoryUrl: string;
  readonly repositoryArn: string;
  readonly repositoryName: string;

  constructor(scope: Construct, id: string, props: EcrRepositoryProps) {
    super(scope, id);
    const keepTaggedImages = props.keepTaggedImages ?? 30;
    const untaggedExpiryDays = props.untaggedExpiryDays ?? 7;
    if (keepTaggedImages < 1) throw new Error(`ECR repository ${props.name}: keepTaggedImages must be >= 1, got ${keepTaggedImages}`);
    if (untaggedExpiryDays < 1) throw new Error(`ECR repository ${props.name}: untaggedExpiryDays must be >= 1, got ${untaggedExpiryDays}`);

    const repository = new AwsEcrRepository(this, "repository", {
      name: props.name,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.kmsKeyArn }],
      forceDelete: false,
    });

    const rules: LifecycleRule[] = [
      {
        rulePriority: 1,
        description: `Expire untagged images ${untaggedExpiryDays} days after push`,
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedExpiryDays },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the ${keepTaggedImages} most recent tagged images`,
        selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: keepTaggedImages },
        action: { type: "expire" },
      },
    ];
    new EcrLifecyclePolicy(this, "lifecycle", {
      repository: repository.name,
      policy: JSON.stringify({ rules }),
    });

    this.repositoryUrl = repository.repositoryUrl;
    this.repositoryArn = repository.arn;
    this.repositoryName = repository.name;
  }
}
