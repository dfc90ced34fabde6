import { EC2_INSTANCE_FAMILIES, EC2_INSTANCE_TYPES_SOURCE } from "./ec2-instance-types";

/** Graviton families (m7g, c6gn, r8g, t4g...) run arm64 AMIs; everything else x86_64. */
export function isArmInstanceType(instanceType: string): boolean {
  return /^[a-z]+\d+g/.test(instanceType);
}

/** The family (`m7g`) and size (`large`) of `m7g.large`; an empty size when there is no dot. */
function partsOf(instanceType: string): { family: string; size: string } {
  const dot = instanceType.indexOf(".");
  return dot < 0 ? { family: instanceType, size: "" } : { family: instanceType.slice(0, dot), size: instanceType.slice(dot + 1) };
}

function sizesOf(family: string): readonly string[] | undefined {
  return Object.hasOwn(EC2_INSTANCE_FAMILIES, family) ? EC2_INSTANCE_FAMILIES[family]?.split(" ") : undefined;
}

/**
 * Whether EC2 offers `instanceType` (the generated table of modules/core/ec2-instance-types.ts).
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function isEc2InstanceType(instanceType: string): boolean {
  const { family, size } = partsOf(instanceType);
  return sizesOf(family)?.includes(size) ?? false;
}

/**
 * Why `instanceType` is not an EC2 instance type, with what is close (the sizes of its family, or
 * the families of its generation), or undefined when it is one.
 */
export function ec2InstanceTypeProblem(instanceType: string): string | undefined {
  if (isEc2InstanceType(instanceType)) return undefined;
  const { family } = partsOf(instanceType);
  const sizes = sizesOf(family);
  const known = `${instanceType} is not an EC2 instance type (${EC2_INSTANCE_TYPES_SOURCE})`;
  if (sizes !== undefined) return `${known}: ${family} comes in ${sizes.join(", ")}`;
  const generation = /^[a-z]+\d+/.exec(family)?.[0];
  const siblings = generation === undefined ? [] : Object.keys(EC2_INSTANCE_FAMILIES).filter((f) => f.startsWith(generation));
  return siblings.length === 0 ? known : `${known}: the ${generation} families are ${siblings.sort().join(", ")}`;
}
